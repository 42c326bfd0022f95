import type { BackgroundInput, LabelInput, MarketInput, MatrixInput } from '@shotmatrix/contracts';

/**
 * The editable form of a matrix. Rows carry a local key so the editor can track them
 * while their codes are being typed; fields the editor does not show (extra copy,
 * label fields) are carried through untouched so saving never drops them.
 */

export const LABEL_TEMPLATES = ['label-classic', 'label-badge'] as const;

type CopyValue = string | number;

export interface MarketDraft {
  key: number;
  code: string;
  name: string;
  locale: string;
  headline: string;
  price: string;
  legal: string;
  otherCopy: Record<string, CopyValue>;
}

export interface LabelDraft {
  key: number;
  code: string;
  name: string;
  template: string;
  /** Market codes the label is limited to; empty means every market. */
  markets: string[];
  fields: Record<string, CopyValue>;
}

export interface BackgroundDraft {
  key: number;
  code: string;
  name: string;
  /** An uploaded plate; null keeps the master's own background. */
  plateId: string | null;
}

export interface MatrixDraft {
  markets: MarketDraft[];
  labels: LabelDraft[];
  backgrounds: BackgroundDraft[];
}

let lastKey = 0;
export function nextKey(): number {
  lastKey += 1;
  return lastKey;
}

export function emptyMarket(): MarketDraft {
  return { key: nextKey(), code: '', name: '', locale: '', headline: '', price: '', legal: '', otherCopy: {} };
}

export function emptyLabel(): LabelDraft {
  return { key: nextKey(), code: '', name: '', template: LABEL_TEMPLATES[0], markets: [], fields: {} };
}

export function emptyBackground(): BackgroundDraft {
  return { key: nextKey(), code: '', name: '', plateId: null };
}

const copyText = (value: CopyValue | undefined): string => (value == null ? '' : String(value));

export function toDraft(matrix: MatrixInput | null | undefined): MatrixDraft {
  if (!matrix) return { markets: [], labels: [], backgrounds: [] };
  return {
    markets: matrix.markets.map((m) => {
      const { headline, price, legal, ...otherCopy } = m.copy ?? {};
      return {
        key: nextKey(),
        code: m.code,
        name: m.name,
        locale: m.locale,
        headline: copyText(headline),
        price: copyText(price),
        legal: copyText(legal),
        otherCopy,
      };
    }),
    labels: matrix.labels.map((l) => ({
      key: nextKey(),
      code: l.code,
      name: l.name ?? '',
      template: l.template,
      markets: [...(l.markets ?? [])],
      fields: { ...(l.fields ?? {}) },
    })),
    backgrounds: matrix.backgrounds.map((b) => ({
      key: nextKey(),
      code: b.code,
      name: b.name ?? '',
      plateId: b.plateId ?? null,
    })),
  };
}

/**
 * The matrix to PUT. Values are trimmed and empty optional fields left out; validation
 * is the API's job, and its message is what the producer sees.
 */
export function fromDraft(draft: MatrixDraft): MatrixInput {
  const marketCodes = new Set(draft.markets.map((m) => m.code.trim()));
  return {
    markets: draft.markets.map((m): MarketInput => {
      const copy: Record<string, CopyValue> = { ...m.otherCopy };
      if (m.headline.trim()) copy['headline'] = m.headline.trim();
      if (m.price.trim()) copy['price'] = m.price.trim();
      if (m.legal.trim()) copy['legal'] = m.legal.trim();
      return { code: m.code.trim(), name: m.name.trim(), locale: m.locale.trim(), copy };
    }),
    labels: draft.labels.map((l): LabelInput => {
      // A limit naming a market that is no longer in the matrix cannot be shown, so it is not kept.
      const markets = l.markets.filter((code) => marketCodes.has(code));
      return {
        code: l.code.trim(),
        ...(l.name.trim() ? { name: l.name.trim() } : {}),
        template: l.template,
        fields: { ...l.fields },
        ...(markets.length ? { markets } : {}),
      };
    }),
    backgrounds: draft.backgrounds.map(
      (b): BackgroundInput => ({
        code: b.code.trim(),
        ...(b.name.trim() ? { name: b.name.trim() } : {}),
        ...(b.plateId ? { plateId: b.plateId } : {}),
      }),
    ),
  };
}

/** Key-order-independent comparison, so a saved matrix and a draft of it compare equal. */
export function sameMatrix(a: MatrixInput | null | undefined, b: MatrixInput | null | undefined): boolean {
  return canonical(a ?? null) === canonical(b ?? null);
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => x.localeCompare(y)))
      : v,
  );
}
