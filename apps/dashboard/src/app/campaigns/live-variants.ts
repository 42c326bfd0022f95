import type { ApprovalView, CampaignEvent, MatrixInput, StatusCounts, VariantView } from '@shotmatrix/contracts';

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

const BUILT_IN = ['market', 'label', 'background', 'aspect'];

export interface Coord {
  dimension: string;
  code: string;
}

/**
 * Every coordinate of a variant's cell: the built-in dimensions in their fixed
 * order, then the producer's own by name (the order cell keys use).
 */
export function cellCoords(v: VariantView): Coord[] {
  // Variants stored before N-dimensional matrices have no coords.
  const coords: Record<string, string> = { market: v.market, label: v.label, background: v.background, ...(v.coords ?? {}) };
  const custom = Object.keys(coords)
    .filter((d) => !BUILT_IN.includes(d))
    .sort();
  return [...BUILT_IN.filter((d) => d in coords), ...custom].map((dimension) => ({ dimension, code: coords[dimension] }));
}

export interface ApprovalChip {
  kind: 'approved' | 'rejected' | 'stale';
  text: string;
  /** Who decided and when, for the tooltip. */
  detail: string;
}

/** What the tile says about the brand manager's decision, if there is one. */
export function approvalChip(approval: ApprovalView | null | undefined): ApprovalChip | null {
  if (!approval) return null;
  const who = `${approval.decision === 'approved' ? 'Approved' : 'Rejected'}${approval.by ? ` by ${approval.by}` : ''} ${approval.at.slice(0, 16).replace('T', ' ')}`;
  if (approval.stale) {
    return { kind: 'stale', text: 'approval stale — re-review', detail: `${who}; the render changed since` };
  }
  return { kind: approval.decision, text: approval.decision, detail: who };
}

/**
 * Groups variants by market in the matrix's order; inside a market, cells follow
 * the matrix's order of every other dimension (label, background, aspect, the
 * producer's own). Codes the matrix no longer names go last, alphabetically.
 */
export function groupByMarket(variants: readonly VariantView[], matrix: MatrixInput | null): MarketGroup[] {
  const order = (codes: readonly string[] | undefined) => new Map((codes ?? []).map((c, i) => [c, i]));
  const ranks = new Map<string, Map<string, number>>([
    ['market', order(matrix?.markets.map((m) => m.code))],
    ['label', order(matrix?.labels.map((l) => l.code))],
    ['background', order(matrix?.backgrounds.map((b) => b.code))],
    ['aspect', order(matrix?.aspects?.map((a) => a.code))],
    ...Object.entries(matrix?.dimensions ?? {}).map(([name, values]) => [name, order(values.map((v) => v.code))] as const),
  ]);
  const rank = (dimension: string, code: string) => ranks.get(dimension)?.get(code) ?? Number.MAX_SAFE_INTEGER;
  const byRank = (dimension: string, a: string, b: string) => rank(dimension, a) - rank(dimension, b) || a.localeCompare(b);
  const compareCells = (a: VariantView, b: VariantView) => {
    const ca = cellCoords(a);
    const cb = new Map(cellCoords(b).map((c) => [c.dimension, c.code]));
    for (const { dimension, code } of ca) {
      if (dimension === 'market') continue;
      const diff = byRank(dimension, code, cb.get(dimension) ?? '');
      if (diff) return diff;
    }
    return 0;
  };

  const groups = new Map<string, VariantView[]>();
  for (const v of variants) {
    const list = groups.get(v.market);
    if (list) list.push(v);
    else groups.set(v.market, [v]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => byRank('market', a, b))
    .map(([market, list]) => ({
      market,
      name: matrix?.markets.find((m) => m.code === market)?.name ?? null,
      variants: list.sort(compareCells),
    }));
}
