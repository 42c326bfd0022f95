import type { BackgroundInput, LabelInput, MarketInput } from '@shotmatrix/contracts';
import type { MatrixBody } from '../../core/shotmatrix-api';

/**
 * The editable form of a matrix. Rows carry a local key so the editor can track them
 * while their codes are being typed; what the editor does not show (extra copy, label
 * fields, a market's grade and fonts, aspects, custom dimensions, exclusions,
 * overrides — e.g. from an imported campaign file) is carried through untouched so
 * saving never drops it.
 */

export const LABEL_TEMPLATES = ['label-classic', 'label-badge'] as const;

type CopyValue = string | number;

export interface MarketDraft {
  key: number;
  code: string;
  name: string;
  locale: string;
  /** ISO 4217, e.g. EUR; saved upper-cased. */
  currency: string;
  headline: string;
  tagline: string;
  /** As typed in the number input; saved as a number. */
  price: string;
  legal: string;
  otherCopy: Record<string, CopyValue>;
  /** Market settings the editor does not show (language, direction, lut, fonts, approvers). */
  extra: Omit<MarketInput, 'code' | 'name' | 'locale' | 'currency' | 'copy'>;
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

/** The parts of a matrix the editor shows no form for; saved as they came. */
export type MatrixRest = Omit<MatrixBody, 'markets' | 'labels' | 'backgrounds'>;

export interface MatrixDraft {
  markets: MarketDraft[];
  labels: LabelDraft[];
  backgrounds: BackgroundDraft[];
  rest: MatrixRest;
}

export type DraftSection = 'markets' | 'labels' | 'backgrounds';

let lastKey = 0;
export function nextKey(): number {
  lastKey += 1;
  return lastKey;
}

export function emptyMarket(): MarketDraft {
  return {
    key: nextKey(),
    code: '',
    name: '',
    locale: '',
    currency: '',
    headline: '',
    tagline: '',
    price: '',
    legal: '',
    otherCopy: {},
    extra: {},
  };
}

export function emptyLabel(): LabelDraft {
  return { key: nextKey(), code: '', name: '', template: LABEL_TEMPLATES[0], markets: [], fields: {} };
}

export function emptyBackground(): BackgroundDraft {
  return { key: nextKey(), code: '', name: '', plateId: null };
}

const copyText = (value: CopyValue | undefined): string => (value == null ? '' : String(value));

export function toDraft(matrix: MatrixBody | null | undefined): MatrixDraft {
  if (!matrix) return { markets: [], labels: [], backgrounds: [], rest: {} };
  const { markets, labels, backgrounds, ...rest } = matrix;
  return {
    rest,
    markets: markets.map((m) => {
      const { code, name, locale, currency, copy, ...extra } = m;
      const { headline, tagline, price, legal, ...otherCopy } = copy ?? {};
      return {
        key: nextKey(),
        code,
        name,
        locale,
        currency: currency ?? '',
        headline: copyText(headline),
        tagline: copyText(tagline),
        price: copyText(price),
        legal: copyText(legal),
        otherCopy,
        extra,
      };
    }),
    labels: labels.map((l) => ({
      key: nextKey(),
      code: l.code,
      name: l.name ?? '',
      template: l.template,
      markets: [...(l.markets ?? [])],
      fields: { ...(l.fields ?? {}) },
    })),
    backgrounds: backgrounds.map((b) => ({
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
export function fromDraft(draft: MatrixDraft): MatrixBody {
  const marketCodes = new Set(draft.markets.map((m) => m.code.trim()));
  return {
    ...draft.rest,
    markets: draft.markets.map((m): MarketInput => {
      const copy: Record<string, CopyValue> = { ...m.otherCopy };
      if (m.headline.trim()) copy['headline'] = m.headline.trim();
      if (m.tagline.trim()) copy['tagline'] = m.tagline.trim();
      const price = priceValue(m.price);
      if (price !== null) copy['price'] = price;
      if (m.legal.trim()) copy['legal'] = m.legal.trim();
      const currency = m.currency.trim().toUpperCase();
      return {
        ...m.extra,
        code: m.code.trim(),
        name: m.name.trim(),
        locale: m.locale.trim(),
        ...(currency ? { currency } : {}),
        copy: copy as MarketInput['copy'],
      };
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

/**
 * A price as the API wants it: a number. Text that is not one (an old "1,99 €") is
 * sent as typed so the API names the field in its refusal rather than it vanishing.
 */
export function priceValue(typed: string): number | string | null {
  const text = typed.trim();
  if (!text) return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : text;
}

/**
 * Key-order-independent comparison, so a saved matrix and a draft of it compare
 * equal. Empty objects count as absent: the API fills `copy`, `fields`, `params`
 * and `defaults` in as {} when a file leaves them out.
 */
export function sameMatrix(a: MatrixBody | null | undefined, b: MatrixBody | null | undefined): boolean {
  return canonical(a ?? null) === canonical(b ?? null);
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (key, v: unknown) => {
    if (!v || typeof v !== 'object' || Array.isArray(v)) return v;
    const entries = Object.entries(v as Record<string, unknown>);
    if (key !== '' && entries.length === 0) return undefined;
    return Object.fromEntries(entries.sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
  });
}
