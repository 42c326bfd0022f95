import type { MatrixInput, VariantView } from '@shotmatrix/contracts';
import { applyCampaignEvent, approvalChip, cellCoords, countByStatus, groupByMarket, replaceVariants, upsertVariant } from './live-variants';

function variant(over: Partial<VariantView> & Pick<VariantView, 'id'>): VariantView {
  return {
    campaignId: 'c1',
    cellKey: 'market=de;label=classic;background=beach',
    coords: {},
    approval: null,
    market: 'de',
    label: 'classic',
    background: 'beach',
    renderKey: 'k'.repeat(64),
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

describe('live variants', () => {
  it('upserts a newer copy and appends unknown variants', () => {
    const a = variant({ id: 'a' });
    const done = variant({ id: 'a', status: 'done', updatedAt: '2026-01-01T00:00:05.000Z' });
    expect(upsertVariant([a], done)).toEqual([done]);
    const b = variant({ id: 'b' });
    expect(upsertVariant([a], b)).toEqual([a, b]);
  });

  it('ignores a copy older than the one shown (answers crossing in flight)', () => {
    const fresh = variant({ id: 'a', status: 'rendering', updatedAt: '2026-01-01T00:00:05.000Z' });
    const stale = variant({ id: 'a', status: 'queued', updatedAt: '2026-01-01T00:00:01.000Z' });
    expect(upsertVariant([fresh], stale)).toEqual([fresh]);
    expect(replaceVariants([fresh], [stale])).toEqual([fresh]);
  });

  it('lets a snapshot decide which variants exist', () => {
    const a = variant({ id: 'a' });
    const b = variant({ id: 'b' });
    const next = applyCampaignEvent([a], { type: 'snapshot', variants: [b] });
    expect(next.map((v) => v.id)).toEqual(['b']);
  });

  it('counts by status', () => {
    const list = [
      variant({ id: 'a', status: 'done' }),
      variant({ id: 'b', status: 'failed' }),
      variant({ id: 'c', status: 'done' }),
      variant({ id: 'd', status: 'rendering' }),
    ];
    expect(countByStatus(list)).toEqual({ queued: 0, rendering: 1, done: 2, failed: 1, total: 4 });
  });

  it('groups by market in matrix order, then label and background order', () => {
    const matrix: MatrixInput = {
      defaults: {},
      markets: [
        { code: 'fr', name: 'France', locale: 'fr-FR', copy: {} },
        { code: 'de', name: 'Germany', locale: 'de-DE', copy: {} },
      ],
      labels: [
        { code: 'z-label', template: 'label-classic', fields: {} },
        { code: 'a-label', template: 'label-badge', fields: {} },
      ],
      backgrounds: [{ code: 'city' }, { code: 'beach' }],
    };
    const list = [
      variant({ id: '1', market: 'de', label: 'a-label', background: 'beach' }),
      variant({ id: '2', market: 'fr', label: 'a-label', background: 'city' }),
      variant({ id: '3', market: 'de', label: 'z-label', background: 'beach' }),
      variant({ id: '4', market: 'de', label: 'z-label', background: 'city' }),
      variant({ id: '5', market: 'gone', label: 'a-label', background: 'city' }),
    ];
    const groups = groupByMarket(list, matrix);
    expect(groups.map((g) => [g.market, g.name, g.variants.map((v) => v.id)])).toEqual([
      ['fr', 'France', ['2']],
      ['de', 'Germany', ['4', '3', '1']],
      ['gone', null, ['5']],
    ]);
  });

  it('orders cells inside a market by every dimension, custom ones included', () => {
    const matrix: MatrixInput = {
      defaults: {},
      markets: [{ code: 'de', name: 'Germany', locale: 'de-DE', copy: {} }],
      labels: [{ code: 'classic', template: 'label-classic', fields: {} }],
      backgrounds: [{ code: 'beach' }],
      aspects: [{ code: 'tall', ratio: '9:16' }, { code: 'wide', ratio: '16:9' }],
      dimensions: { tone: [{ code: 'warm', params: {} }, { code: 'cool', params: {} }] },
    };
    const at = (id: string, aspect: string, tone: string) =>
      variant({ id, coords: { market: 'de', label: 'classic', background: 'beach', aspect, tone } });
    const [group] = groupByMarket([at('1', 'wide', 'cool'), at('2', 'wide', 'warm'), at('3', 'tall', 'cool'), at('4', 'tall', 'warm')], matrix);
    expect(group.variants.map((v) => v.id)).toEqual(['4', '3', '2', '1']);
  });

  it('lists every coordinate, built-in dimensions first, then custom ones by name', () => {
    const v = variant({
      id: 'a',
      coords: { tone: 'warm', market: 'de', background: 'beach', aspect: 'tall', label: 'classic', copy_set: 'b' },
    });
    expect(cellCoords(v).map((c) => `${c.dimension}=${c.code}`)).toEqual([
      'market=de',
      'label=classic',
      'background=beach',
      'aspect=tall',
      'copy_set=b',
      'tone=warm',
    ]);
    // Variants from before coords existed still show their three.
    expect(cellCoords({ ...v, coords: undefined as never }).map((c) => c.code)).toEqual(['de', 'classic', 'beach']);
  });

  it('tells approved, rejected and stale approvals apart', () => {
    const at = '2026-03-01T10:20:30.000Z';
    expect(approvalChip(null)).toBeNull();
    expect(approvalChip({ id: 'a1', comment: null, decision: 'approved', stale: false, by: 'ana', at })).toEqual({
      kind: 'approved',
      text: 'approved',
      detail: 'Approved by ana 2026-03-01 10:20',
    });
    expect(approvalChip({ id: 'a1', comment: null, decision: 'rejected', stale: false, by: null, at })?.kind).toBe('rejected');
    expect(approvalChip({ id: 'a1', comment: null, decision: 'rejected', stale: true, by: null, at })).toEqual({
      kind: 'stale',
      text: 'approval stale — re-review',
      detail: 'Rejected 2026-03-01 10:20; the render changed since',
    });
  });
});
