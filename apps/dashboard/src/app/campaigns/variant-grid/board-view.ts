import type { MatrixInput, StatusCounts, VariantStatus, VariantView } from '@shotmatrix/contracts';
import { cellCoords } from '../live-variants';

/**
 * The board's pure logic: filters, grouping by any dimension, and the
 * fixed-size layout that lets the grid render only the rows in view. Kept
 * apart from the component so a 1,000-variant board is tested without a DOM.
 */

/** A variant's QC verdict as the board filters it: `none` until a done render has been measured. */
export type QcResult = 'pass' | 'fail' | 'none';

export const STATUSES: readonly VariantStatus[] = ['queued', 'rendering', 'done', 'failed'];
export const QC_RESULTS: readonly QcResult[] = ['pass', 'fail', 'none'];

export interface BoardFilter {
  /** Markets to show; empty shows every market. */
  markets: readonly string[];
  status: VariantStatus | null;
  qc: QcResult | null;
}

export const NO_FILTER: BoardFilter = { markets: [], status: null, qc: null };

export function qcResult(v: VariantView): QcResult {
  return v.qc ? (v.qc.passed ? 'pass' : 'fail') : 'none';
}

export function isFiltered(f: BoardFilter): boolean {
  return f.markets.length > 0 || f.status !== null || f.qc !== null;
}

type FilterKey = 'market' | 'status' | 'qc';

function matches(v: VariantView, f: BoardFilter, skip?: FilterKey): boolean {
  if (skip !== 'market' && f.markets.length > 0 && !f.markets.includes(v.market)) return false;
  if (skip !== 'status' && f.status !== null && v.status !== f.status) return false;
  if (skip !== 'qc' && f.qc !== null && qcResult(v) !== f.qc) return false;
  return true;
}

export function filterVariants(variants: readonly VariantView[], f: BoardFilter): VariantView[] {
  return isFiltered(f) ? variants.filter((v) => matches(v, f)) : variants.slice();
}

export interface FacetCounts {
  market: Map<string, number>;
  status: Record<VariantStatus, number>;
  qc: Record<QcResult, number>;
}

/**
 * How many variants each filter option would show, given the other filters
 * (the usual faceted-search reading: picking a status does not zero the
 * other statuses' counts).
 */
export function facetCounts(variants: readonly VariantView[], f: BoardFilter): FacetCounts {
  const counts: FacetCounts = {
    market: new Map(),
    status: { queued: 0, rendering: 0, done: 0, failed: 0 },
    qc: { pass: 0, fail: 0, none: 0 },
  };
  for (const v of variants) {
    if (matches(v, f, 'market')) counts.market.set(v.market, (counts.market.get(v.market) ?? 0) + 1);
    if (matches(v, f, 'status') && v.status in counts.status) counts.status[v.status] += 1;
    if (matches(v, f, 'qc')) counts.qc[qcResult(v)] += 1;
  }
  return counts;
}

const BUILT_IN = ['market', 'label', 'background', 'aspect'];

/** Every dimension the variants' cells use: the built-in ones in their fixed order, then the producer's own by name. */
export function boardDimensions(variants: readonly VariantView[]): string[] {
  const seen = new Set<string>();
  for (const v of variants) {
    // Variants stored before N-dimensional matrices have no coords, only the three built-in fields.
    seen.add('market').add('label').add('background');
    for (const d of Object.keys(v.coords ?? {})) seen.add(d);
  }
  return [...BUILT_IN.filter((d) => seen.has(d)), ...[...seen].filter((d) => !BUILT_IN.includes(d)).sort()];
}

interface DimensionOrder {
  /** code → position in the matrix. */
  rank: Map<string, number>;
  /** code → display name from the matrix, when it has one. */
  name: Map<string, string>;
}

/** The matrix's order (and names) of every dimension's codes. */
function dimensionOrders(matrix: MatrixInput | null): Map<string, DimensionOrder> {
  const order = (values: ReadonlyArray<{ code: string; name?: string }> | undefined): DimensionOrder => ({
    rank: new Map((values ?? []).map((v, i) => [v.code, i])),
    name: new Map((values ?? []).filter((v) => v.name).map((v) => [v.code, v.name!])),
  });
  return new Map<string, DimensionOrder>([
    ['market', order(matrix?.markets)],
    ['label', order(matrix?.labels)],
    ['background', order(matrix?.backgrounds)],
    ['aspect', order(matrix?.aspects)],
    ...Object.entries(matrix?.dimensions ?? {}).map(([name, values]) => [name, order(values)] as const),
  ]);
}

export interface MarketOption {
  code: string;
  name: string | null;
  /** Variants it would show, given the other filters. */
  count: number;
  selected: boolean;
}

/** The market filter's options: every market on the board (and any still selected), in the matrix's order. */
export function marketOptions(variants: readonly VariantView[], matrix: MatrixInput | null, f: BoardFilter, counts: FacetCounts): MarketOption[] {
  const order = dimensionOrders(matrix).get('market')!;
  const codes = new Set([...variants.map((v) => v.market), ...f.markets]);
  const rank = (c: string) => order.rank.get(c) ?? Number.MAX_SAFE_INTEGER;
  return [...codes]
    .sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0))
    .map((code) => ({ code, name: order.name.get(code) ?? null, count: counts.market.get(code) ?? 0, selected: f.markets.includes(code) }));
}

/** The filter with `market` added to or taken out of the selection. */
export function toggleMarket(f: BoardFilter, market: string): BoardFilter {
  return { ...f, markets: f.markets.includes(market) ? f.markets.filter((m) => m !== market) : [...f.markets, market] };
}

export interface BoardGroup {
  /** The group's code in the grouping dimension; '' for the single group of an ungrouped board. */
  code: string;
  /** The code's display name from the matrix, when it has one. */
  name: string | null;
  variants: VariantView[];
  counts: StatusCounts;
  qc: Record<QcResult, number>;
}

function summarise(code: string, name: string | null, variants: VariantView[]): BoardGroup {
  const counts: StatusCounts = { queued: 0, rendering: 0, done: 0, failed: 0, total: variants.length };
  const qc: Record<QcResult, number> = { pass: 0, fail: 0, none: 0 };
  for (const v of variants) {
    if (v.status in counts) counts[v.status] += 1;
    qc[qcResult(v)] += 1;
  }
  return { code, name, variants, counts, qc };
}

/**
 * Groups variants by one dimension (or not at all, `by` null) in the matrix's
 * order. Inside a group, cells follow the matrix's order of every dimension,
 * built-in first; codes the matrix no longer names go last, alphabetically.
 */
export function groupVariants(variants: readonly VariantView[], matrix: MatrixInput | null, by: string | null): BoardGroup[] {
  const orders = dimensionOrders(matrix);
  const dimensions = boardDimensions(variants);
  const rankOf = (dimension: string, code: string) => orders.get(dimension)?.rank.get(code) ?? Number.MAX_SAFE_INTEGER;

  // One sort key per variant, computed once: comparing 1,000 cells re-derives nothing.
  const keyed = variants.map((v) => {
    const coords = new Map(cellCoords(v).map((c) => [c.dimension, c.code]));
    const codes = dimensions.map((d) => coords.get(d) ?? '');
    return { v, codes, ranks: dimensions.map((d, i) => rankOf(d, codes[i])) };
  });
  const byIndex = by === null ? -1 : dimensions.indexOf(by);
  type Keyed = (typeof keyed)[number];
  const at = (a: Keyed, b: Keyed, i: number) => a.ranks[i] - b.ranks[i] || (a.codes[i] < b.codes[i] ? -1 : a.codes[i] > b.codes[i] ? 1 : 0);
  keyed.sort((a, b) => {
    if (byIndex >= 0) {
      const diff = at(a, b, byIndex);
      if (diff) return diff;
    }
    for (let i = 0; i < dimensions.length; i++) {
      const diff = at(a, b, i);
      if (diff) return diff;
    }
    return a.v.id < b.v.id ? -1 : a.v.id > b.v.id ? 1 : 0;
  });

  if (by === null) return variants.length ? [summarise('', null, keyed.map((k) => k.v))] : [];
  // A dimension no variant uses still groups: every cell lands in the "(none)" group, code ''.
  const groups = new Map<string, VariantView[]>();
  for (const k of keyed) {
    const code = byIndex >= 0 ? k.codes[byIndex] : '';
    const list = groups.get(code);
    if (list) list.push(k.v);
    else groups.set(code, [k.v]);
  }
  const names = orders.get(by)?.name;
  return [...groups.entries()].map(([code, list]) => summarise(code, names?.get(code) ?? null, list));
}

// ------------------------------------------------------------------- layout

export interface BoardMetrics {
  /** Narrowest a tile may get before a column is dropped. */
  minTileWidth: number;
  gap: number;
  /** Height of a tile's caption and chips below the thumbnail (fixed, so rows are too). */
  metaHeight: number;
  /** Tile border, top plus bottom. */
  border: number;
  headerHeight: number;
}

export const BOARD_METRICS: BoardMetrics = { minTileWidth: 200, gap: 10, metaHeight: 82, border: 2, headerHeight: 40 };

export interface BoardLayout {
  columns: number;
  tileWidth: number;
  thumbHeight: number;
  tileHeight: number;
  metrics: BoardMetrics;
}

/** Columns and tile sizes for a grid `width` pixels wide (16:9 thumbnails). */
export function boardLayout(width: number, metrics: BoardMetrics = BOARD_METRICS): BoardLayout {
  const columns = Math.max(1, Math.floor((width + metrics.gap) / (metrics.minTileWidth + metrics.gap)));
  const tileWidth = Math.max(0, (width - metrics.gap * (columns - 1)) / columns);
  const thumbHeight = Math.round(((tileWidth - metrics.border) * 9) / 16);
  return { columns, tileWidth, thumbHeight, tileHeight: thumbHeight + metrics.metaHeight + metrics.border, metrics };
}

export type BoardRow =
  | { kind: 'header'; key: string; top: number; height: number; group: BoardGroup }
  | { kind: 'tiles'; key: string; top: number; height: number; variants: VariantView[] };

export interface BoardRows {
  rows: BoardRow[];
  /** The grid's full height in pixels. */
  height: number;
}

/**
 * Lays the groups out as a flat list of rows (a header per group when grouped,
 * then rows of `columns` tiles) with their offsets, so the grid can render only
 * the rows in view and still be as tall as the whole board.
 */
export function boardRows(groups: readonly BoardGroup[], layout: BoardLayout, grouped: boolean): BoardRows {
  const { columns, tileHeight, metrics } = layout;
  const rows: BoardRow[] = [];
  let top = 0;
  for (const group of groups) {
    if (grouped) {
      rows.push({ kind: 'header', key: `h:${group.code}`, top, height: metrics.headerHeight, group });
      top += metrics.headerHeight;
    }
    for (let i = 0; i < group.variants.length; i += columns) {
      rows.push({ kind: 'tiles', key: `t:${group.code}:${i / columns}`, top, height: tileHeight, variants: group.variants.slice(i, i + columns) });
      top += tileHeight + metrics.gap;
    }
  }
  return { rows, height: Math.max(0, top - (rows.at(-1)?.kind === 'tiles' ? metrics.gap : 0)) };
}

/** The rows that overlap [from, to) (grid coordinates, pixels): a binary search, so scrolling a long board stays cheap. */
export function rowsBetween(rows: readonly BoardRow[], from: number, to: number): BoardRow[] {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (rows[mid].top + rows[mid].height <= from) lo = mid + 1;
    else hi = mid;
  }
  let end = lo;
  while (end < rows.length && rows[end].top < to) end++;
  return rows.slice(lo, end);
}

/** Boards this small render every row: cheap enough, and find-in-page sees every cell. */
export const RENDER_ALL_UP_TO = 120;
/** Rows rendered beyond the viewport's edges, so a scroll shows tiles already laid out. */
export const OVERSCAN_PX = 600;
/** The window moves in steps this long, so a scroll re-renders only when rows actually enter or leave. */
const WINDOW_STEP_PX = 200;

export interface RenderWindow {
  from: number;
  to: number;
}

/**
 * The part of the grid to render (grid coordinates), given where the grid's
 * top is in the viewport (its bounding rectangle's `top`, negative once
 * scrolled past) and the viewport's height. A grid still below the fold
 * renders its first screenful, so scrolling (or jumping) down to the board
 * finds tiles already there.
 */
export function renderWindow(gridTop: number, viewportHeight: number): RenderWindow {
  const from = Math.floor((-gridTop - OVERSCAN_PX) / WINDOW_STEP_PX) * WINDOW_STEP_PX;
  const to = Math.ceil((-gridTop + viewportHeight + OVERSCAN_PX) / WINDOW_STEP_PX) * WINDOW_STEP_PX;
  return { from, to: Math.max(from, to, viewportHeight) };
}

/** The rows to render: all of a small board, else those in the window. */
export function rowsToRender(board: BoardRows, window: RenderWindow, tiles: number): BoardRow[] {
  return tiles <= RENDER_ALL_UP_TO ? board.rows : rowsBetween(board.rows, window.from, window.to);
}
