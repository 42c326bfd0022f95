import fc from 'fast-check';
import type { MatrixInput, QcReport, VariantView } from '@shotmatrix/contracts';
import {
  BOARD_METRICS,
  boardDimensions,
  boardLayout,
  boardRows,
  facetCounts,
  filterVariants,
  groupVariants,
  isFiltered,
  marketOptions,
  NO_FILTER,
  OVERSCAN_PX,
  qcResult,
  RENDER_ALL_UP_TO,
  renderWindow,
  rowsBetween,
  rowsToRender,
  toggleMarket,
  type BoardRow,
} from './board-view';

const qc = (passed: boolean): QcReport => ({ passed, checks: [], measuredAt: '2026-01-01T00:00:00.000Z' });

function variant(id: string, coords: Record<string, string>, over: Partial<VariantView> = {}): VariantView {
  const all = { market: 'de', label: 'classic', background: 'beach', ...coords };
  return {
    id,
    campaignId: 'c1',
    cellKey: Object.entries(all)
      .map(([k, v]) => `${k}=${v}`)
      .join(';'),
    coords: all,
    market: all.market,
    label: all.label,
    background: all.background,
    approval: null,
    renderKey: id.padEnd(64, '0'),
    status: 'queued',
    error: null,
    outputUrl: null,
    thumbnailUrl: null,
    frameCount: null,
    durationS: null,
    outputs: {},
    qc: null,
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...over,
  };
}

const matrix = {
  defaults: {},
  markets: [
    { code: 'jp', name: 'Japan', locale: 'ja-JP', copy: {} },
    { code: 'de', name: 'Germany', locale: 'de-DE', copy: {} },
  ],
  labels: [
    { code: 'classic', template: 'label-classic', fields: {} },
    { code: 'badge', name: 'Badge', template: 'label-badge', fields: {} },
  ],
  backgrounds: [{ code: 'beach' }, { code: 'city' }],
  dimensions: { tone: [{ code: 'warm', name: 'Warm', params: {} }, { code: 'cool', params: {} }] },
} as MatrixInput;

const ids = (list: readonly VariantView[]) => list.map((v) => v.id);

describe('board filters', () => {
  const board = [
    variant('a', { market: 'de' }, { status: 'done', qc: qc(true) }),
    variant('b', { market: 'de' }, { status: 'done', qc: qc(false) }),
    variant('c', { market: 'jp' }, { status: 'done' }),
    variant('d', { market: 'jp' }, { status: 'failed', error: 'ffmpeg exited 1' }),
    variant('e', { market: 'fr' }, { status: 'rendering' }),
  ];

  it('reads the QC verdict, "none" until a report exists', () => {
    expect(board.map(qcResult)).toEqual(['pass', 'fail', 'none', 'none', 'none']);
  });

  it('shows everything without filters, and says so', () => {
    expect(ids(filterVariants(board, NO_FILTER))).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(isFiltered(NO_FILTER)).toBe(false);
    expect(isFiltered({ ...NO_FILTER, qc: 'none' })).toBe(true);
  });

  it('filters by several markets, a status and a QC result together', () => {
    expect(ids(filterVariants(board, { ...NO_FILTER, markets: ['jp', 'fr'] }))).toEqual(['c', 'd', 'e']);
    expect(ids(filterVariants(board, { ...NO_FILTER, status: 'done' }))).toEqual(['a', 'b', 'c']);
    expect(ids(filterVariants(board, { ...NO_FILTER, qc: 'fail' }))).toEqual(['b']);
    expect(ids(filterVariants(board, { markets: ['jp'], status: 'done', qc: 'none' }))).toEqual(['c']);
    expect(ids(filterVariants(board, { markets: ['jp'], status: 'done', qc: 'pass' }))).toEqual([]);
  });

  it('counts each option given the other filters (faceted)', () => {
    const counts = facetCounts(board, { markets: ['de'], status: 'done', qc: null });
    // Markets ignore the market filter but honour "done".
    expect(Object.fromEntries(counts.market)).toEqual({ de: 2, jp: 1 });
    // Statuses ignore "done" but honour market de.
    expect(counts.status).toEqual({ queued: 0, rendering: 0, done: 2, failed: 0 });
    expect(counts.qc).toEqual({ pass: 1, fail: 1, none: 0 });
  });

  it('offers every market in matrix order with names, counts and what is selected', () => {
    const f = { markets: ['jp', 'it'], status: 'done' as const, qc: null };
    expect(marketOptions(board, matrix, f, facetCounts(board, f))).toEqual([
      { code: 'jp', name: 'Japan', count: 1, selected: true },
      { code: 'de', name: 'Germany', count: 2, selected: false },
      { code: 'fr', name: null, count: 0, selected: false },
      // Still selected though no variant has it any more: it must stay visible to be unselected.
      { code: 'it', name: null, count: 0, selected: true },
    ]);
  });

  it('toggles a market in and out of the selection', () => {
    const once = toggleMarket(NO_FILTER, 'de');
    expect(once.markets).toEqual(['de']);
    expect(toggleMarket(toggleMarket(once, 'jp'), 'de').markets).toEqual(['jp']);
    expect(NO_FILTER.markets).toEqual([]);
  });
});

describe('board grouping', () => {
  const board = [
    variant('1', { market: 'de', label: 'badge', tone: 'cool' }),
    variant('2', { market: 'de', label: 'classic', tone: 'cool' }),
    variant('3', { market: 'zz', label: 'classic', tone: 'warm' }),
    variant('4', { market: 'jp', label: 'badge', tone: 'warm' }, { status: 'done', qc: qc(false) }),
    variant('5', { market: 'jp', label: 'classic', tone: 'warm' }, { status: 'done', qc: qc(true) }),
    variant('6', { market: 'aa', label: 'classic', tone: 'cool' }),
  ];

  it('lists the dimensions present, built-in first, then the producer’s own by name', () => {
    expect(boardDimensions(board)).toEqual(['market', 'label', 'background', 'tone']);
    // Variants stored before N-dimensional matrices carry no coords.
    expect(boardDimensions([{ ...variant('x', {}), coords: undefined as unknown as Record<string, string> }])).toEqual(['market', 'label', 'background']);
    expect(boardDimensions([])).toEqual([]);
  });

  it('groups by market in matrix order, unknown codes last alphabetically, with names and counts', () => {
    const groups = groupVariants(board, matrix, 'market');
    expect(groups.map((g) => [g.code, g.name, ids(g.variants)])).toEqual([
      ['jp', 'Japan', ['5', '4']],
      ['de', 'Germany', ['2', '1']],
      ['aa', null, ['6']],
      ['zz', null, ['3']],
    ]);
    expect(groups[0].counts).toEqual({ queued: 0, rendering: 0, done: 2, failed: 0, total: 2 });
    expect(groups[0].qc).toEqual({ pass: 1, fail: 1, none: 0 });
  });

  it('groups by any dimension, the producer’s own included', () => {
    expect(groupVariants(board, matrix, 'label').map((g) => [g.code, g.name, ids(g.variants)])).toEqual([
      ['classic', null, ['5', '2', '6', '3']],
      ['badge', 'Badge', ['4', '1']],
    ]);
    expect(groupVariants(board, matrix, 'tone').map((g) => [g.code, g.name, ids(g.variants)])).toEqual([
      ['warm', 'Warm', ['5', '4', '3']],
      ['cool', null, ['2', '1', '6']],
    ]);
  });

  it('puts everything in one group when not grouping, in matrix cell order', () => {
    const [all, ...rest] = groupVariants(board, matrix, null);
    expect(rest).toEqual([]);
    expect(all.code).toBe('');
    expect(ids(all.variants)).toEqual(['5', '4', '2', '1', '6', '3']);
    expect(groupVariants([], matrix, null)).toEqual([]);
  });

  it('keeps an order without a matrix (codes alphabetically)', () => {
    expect(groupVariants(board, null, 'market').map((g) => g.code)).toEqual(['aa', 'de', 'jp', 'zz']);
  });
});

describe('board layout', () => {
  it('fits as many 200 px columns as the width allows, never fewer than one', () => {
    expect(boardLayout(1000).columns).toBe(4);
    expect(boardLayout(1040).columns).toBe(5);
    expect(boardLayout(150).columns).toBe(1);
    const l = boardLayout(1040);
    expect(l.tileWidth).toBe(200);
    expect(l.thumbHeight).toBe(Math.round((198 * 9) / 16));
    expect(l.tileHeight).toBe(l.thumbHeight + BOARD_METRICS.metaHeight + BOARD_METRICS.border);
  });

  it('lays groups out as header and tile rows with offsets', () => {
    const layout = boardLayout(1040); // 5 columns
    const groups = groupVariants(
      Array.from({ length: 12 }, (_, i) => variant(`v${String(i).padStart(2, '0')}`, { market: i < 7 ? 'de' : 'jp', background: `b${String(i).padStart(2, '0')}` })),
      matrix,
      'market',
    );
    const { rows, height } = boardRows(groups, layout, true);
    const { gap, headerHeight } = BOARD_METRICS;
    const h = layout.tileHeight;
    // jp (5 cells: one row), then de (7 cells: two rows).
    expect(rows.map((r) => [r.kind, r.key, r.top, r.kind === 'tiles' ? r.variants.length : 0])).toEqual([
      ['header', 'h:jp', 0, 0],
      ['tiles', 't:jp:0', headerHeight, 5],
      ['header', 'h:de', headerHeight + h + gap, 0],
      ['tiles', 't:de:0', 2 * headerHeight + h + gap, 5],
      ['tiles', 't:de:1', 2 * headerHeight + 2 * (h + gap), 2],
    ]);
    expect(height).toBe(2 * headerHeight + 3 * h + 2 * gap);
    expect(boardRows(groups, layout, false).rows.every((r) => r.kind === 'tiles')).toBe(true);
    expect(boardRows([], layout, true)).toEqual({ rows: [], height: 0 });
  });

  it('renders a few rows of a 1,000-variant board, not all of them', () => {
    const board = Array.from({ length: 1000 }, (_, i) => variant(String(i).padStart(4, '0'), { market: `m${i % 10}`, background: `b${i}` }));
    const layout = boardLayout(1400);
    const { rows, height } = boardRows(groupVariants(board, null, 'market'), layout, true);
    expect(rows.reduce((n, r) => n + (r.kind === 'tiles' ? r.variants.length : 0), 0)).toBe(1000);
    const inView = rowsBetween(rows, 0, 1000);
    const tiles = inView.reduce((n, r) => n + (r.kind === 'tiles' ? r.variants.length : 0), 0);
    expect(tiles).toBeGreaterThan(0);
    expect(tiles).toBeLessThanOrEqual(layout.columns * 6);
    expect(rowsBetween(rows, height - 1, height + 500).at(-1)).toBe(rows.at(-1));
  });

  it('finds the rows overlapping any window, as a linear scan would', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ header: fc.boolean(), height: fc.integer({ min: 1, max: 300 }) }), { maxLength: 40 }),
        fc.integer({ min: -500, max: 6000 }),
        fc.integer({ min: 0, max: 3000 }),
        (specs, from, span) => {
          let top = 0;
          const rows: BoardRow[] = specs.map((s, i) => {
            const row = { kind: 'tiles' as const, key: String(i), top, height: s.height, variants: [] };
            top += s.height + (s.header ? 0 : 10);
            return row;
          });
          const to = from + span;
          expect(rowsBetween(rows, from, to)).toEqual(rows.filter((r) => r.top + r.height > from && r.top < to));
        },
      ),
    );
  });

  it('renders the viewport and some overscan, in steps, above and below', () => {
    // The grid starts 700 px down a 1000 px viewport.
    const w = renderWindow(700, 1000);
    expect(w.from).toBeLessThanOrEqual(-700 - OVERSCAN_PX);
    expect(w.to).toBeGreaterThanOrEqual(300 + OVERSCAN_PX);
    expect(w.to - w.from).toBeLessThan(1000 + 2 * OVERSCAN_PX + 400);
    // Scrolled 5050 px into the grid; a few pixels more scroll do not move the window.
    const deep = renderWindow(-5050, 1000);
    expect(deep.from).toBeLessThanOrEqual(5050 - OVERSCAN_PX);
    expect(deep.to).toBeGreaterThanOrEqual(6050 + OVERSCAN_PX);
    expect(renderWindow(-5090, 1000)).toEqual(deep);
  });

  it('renders every row of a small board wherever it is, and a window of a large one', () => {
    const layout = boardLayout(1040);
    const make = (n: number) => boardRows(groupVariants(Array.from({ length: n }, (_, i) => variant(`v${i}`, { background: `b${i}` })), null, null), layout, false);
    const far = renderWindow(5000, 1000); // the grid far below the fold
    const small = make(RENDER_ALL_UP_TO);
    expect(rowsToRender(small, far, RENDER_ALL_UP_TO)).toEqual(small.rows);
    const large = make(1000);
    const inView = rowsToRender(large, renderWindow(0, 1000), 1000);
    expect(inView.length).toBeLessThan(large.rows.length / 10);
    // Below the fold, the first screenful waits there; scrolled past the end, nothing.
    expect(rowsToRender(large, far, 1000)).toEqual(rowsBetween(large.rows, 0, 1000));
    expect(rowsToRender(large, renderWindow(-large.height - 2000, 1000), 1000)).toEqual([]);
  });
});
