import type { CampaignEvent, MatrixInput, StatusCounts, VariantView } from '@shotmatrix/contracts';

/**
 * Pure state transitions for the live variant list. The page receives variants from
 * three places (GET, POST expand, the event stream) whose answers can cross in flight,
 * so a variant is only ever replaced by a copy that is at least as new.
 */

function isNewer(candidate: VariantView, existing: VariantView | undefined): boolean {
  if (!existing) return true;
  const a = Date.parse(candidate.updatedAt);
  const b = Date.parse(existing.updatedAt);
  if (Number.isNaN(a) || Number.isNaN(b)) return true;
  return a >= b;
}

/** A full list from the API: it decides which variants exist; each keeps its newest copy. */
export function replaceVariants(current: readonly VariantView[], incoming: readonly VariantView[]): VariantView[] {
  const known = new Map(current.map((v) => [v.id, v]));
  return incoming.map((v) => {
    const existing = known.get(v.id);
    return isNewer(v, existing) ? v : existing!;
  });
}

export function upsertVariant(current: readonly VariantView[], variant: VariantView): VariantView[] {
  const index = current.findIndex((v) => v.id === variant.id);
  if (index === -1) return [...current, variant];
  if (!isNewer(variant, current[index])) return current as VariantView[];
  const next = current.slice();
  next[index] = variant;
  return next;
}

export function applyCampaignEvent(current: readonly VariantView[], event: CampaignEvent): VariantView[] {
  switch (event.type) {
    case 'snapshot':
      return replaceVariants(current, event.variants);
    case 'variant':
      return upsertVariant(current, event.variant);
    default:
      return current as VariantView[];
  }
}

export function countByStatus(variants: readonly VariantView[]): StatusCounts {
  const counts: StatusCounts = { queued: 0, rendering: 0, done: 0, failed: 0, total: variants.length };
  for (const v of variants) {
    if (v.status in counts) counts[v.status] += 1;
  }
  return counts;
}

export interface MarketGroup {
  market: string;
  /** The market's display name from the matrix, when it has one. */
  name: string | null;
  variants: VariantView[];
}

/**
 * Groups variants by market in the matrix's order (labels, then backgrounds, inside a
 * market); variants the matrix no longer names go last, alphabetically.
 */
export function groupByMarket(variants: readonly VariantView[], matrix: MatrixInput | null): MarketGroup[] {
  const order = (codes: readonly string[]) => new Map(codes.map((c, i) => [c, i]));
  const markets = order(matrix?.markets.map((m) => m.code) ?? []);
  const labels = order(matrix?.labels.map((l) => l.code) ?? []);
  const backgrounds = order(matrix?.backgrounds.map((b) => b.code) ?? []);
  const rank = (map: Map<string, number>, code: string) => map.get(code) ?? Number.MAX_SAFE_INTEGER;
  const byRank = (map: Map<string, number>, a: string, b: string) =>
    rank(map, a) - rank(map, b) || a.localeCompare(b);

  const groups = new Map<string, VariantView[]>();
  for (const v of variants) {
    const list = groups.get(v.market);
    if (list) list.push(v);
    else groups.set(v.market, [v]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => byRank(markets, a, b))
    .map(([market, list]) => ({
      market,
      name: matrix?.markets.find((m) => m.code === market)?.name ?? null,
      variants: list.sort(
        (a, b) => byRank(labels, a.label, b.label) || byRank(backgrounds, a.background, b.background),
      ),
    }));
}
