/** Display helpers shared by the pages. Pure, so they are tested without Angular. */
import type { ExpansionSummary } from '@shotmatrix/contracts';

export function formatSeconds(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds)) return '—';
  const whole = Math.floor(seconds);
  const minutes = Math.floor(whole / 60);
  const rest = seconds - minutes * 60;
  const secs = rest.toFixed(2).padStart(5, '0');
  return minutes > 0 ? `${minutes}:${secs}` : `${rest.toFixed(2)} s`;
}

export function formatFps(fps: number | null | undefined): string {
  if (fps == null || !Number.isFinite(fps)) return '—';
  // 23.976 and 29.97 matter; 25.000 does not.
  return `${Number.isInteger(fps) ? fps : Number(fps.toFixed(3))} fps`;
}

export function formatCount(n: number | null | undefined): string {
  return n == null ? '—' : n.toLocaleString('en-US');
}

export function shortKey(key: string, length = 12): string {
  return key.length > length ? `${key.slice(0, length)}…` : key;
}

export function percent(part: number, total: number): number {
  if (total <= 0) return 0;
  return Math.round((part / total) * 1000) / 10;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** "18 cells: 2 new, 3 changed, 13 unchanged, 0 removed · 5 renders queued, 1 reused" */
export function formatExpansion(e: ExpansionSummary): string {
  return (
    `${plural(e.cells, 'cell', 'cells')}: ${e.created} new, ${e.changed} changed, ${e.unchanged} unchanged, ${e.removed} removed` +
    ` · ${plural(e.queued, 'render', 'renders')} queued, ${e.reused} reused`
  );
}

export type PricePreview = { kind: 'price'; text: string } | { kind: 'hint'; text: string } | null;

/**
 * How the renderer will show a price (Intl currency formatting in the market's
 * locale), or a hint when the locale or currency cannot format it. Never throws.
 */
export function previewPrice(price: string, locale: string, currency: string): PricePreview {
  const amount = price.trim();
  if (!amount) return null;
  const value = Number(amount);
  if (!Number.isFinite(value)) return { kind: 'hint', text: 'Enter the price as a number, e.g. 1.99' };
  const loc = locale.trim();
  const cur = currency.trim().toUpperCase();
  if (!cur) return { kind: 'hint', text: 'Add a currency (e.g. EUR) to preview the price' };
  if (!/^[A-Z]{3}$/.test(cur)) return { kind: 'hint', text: `“${currency.trim()}” is not an ISO 4217 currency code such as EUR` };
  if (!loc) return { kind: 'hint', text: 'Add a locale (e.g. de-DE) to preview the price' };
  try {
    return { kind: 'price', text: new Intl.NumberFormat(loc, { style: 'currency', currency: cur }).format(value) };
  } catch {
    return { kind: 'hint', text: `Cannot format for locale “${loc}”: use a BCP 47 locale such as de-DE` };
  }
}
