import type { OpsCellView, QueueDepthView } from '@shotmatrix/contracts';
import { depthBars, describeCells, formatDuration, formatEta, formatRate, reconnectDelayMs } from './ops-format';

describe('formatDuration', () => {
  it.each([
    [0, '0 s'],
    [44.4, '44 s'],
    [59, '59 s'],
    [60, '1 min'],
    [90, '2 min'],
    [3599, '1 h'],
    [3600, '1 h'],
    [3900, '1 h 5 min'],
    [-5, '0 s'],
  ])('%s s → %s', (s, text) => expect(formatDuration(s)).toBe(text));
});

describe('formatEta', () => {
  it.each([
    [{ state: 'finished' } as const, 'Nothing left to render'],
    [{ state: 'unknown' } as const, 'ETA unknown: nothing finished recently'],
    [{ state: 'estimate', seconds: 90 } as const, 'About 2 min left'],
    [{ state: 'estimate', seconds: 12 } as const, 'About 12 s left'],
  ])('%j → %s', (eta, text) => expect(formatEta(eta)).toBe(text));
});

describe('formatRate', () => {
  it.each([
    [0, '0/min'],
    [Number.NaN, '0/min'],
    [0.133, '0.13/min'],
    [2.46, '2.5/min'],
    [12.6, '13/min'],
  ])('%s → %s', (rate, text) => expect(formatRate(rate)).toBe(text));
});

describe('depthBars', () => {
  const q = (name: 'analyze' | 'render', waiting: number, active: number, delayed = 0, failed = 0): QueueDepthView => ({
    name,
    waiting,
    active,
    delayed,
    failed,
    workers: 1,
  });

  it('scales every count to the deepest on the board, with a sliver for any non-zero count', () => {
    const bars = depthBars([q('analyze', 0, 1), q('render', 400, 4, 0, 1)]);
    expect(bars.get('render')).toEqual({ waiting: 100, active: 2, delayed: 0, failed: 2 });
    expect(bars.get('analyze')).toEqual({ waiting: 0, active: 2, delayed: 0, failed: 0 });
  });

  it('draws nothing for empty queues', () => {
    expect(depthBars([q('render', 0, 0)]).get('render')).toEqual({ waiting: 0, active: 0, delayed: 0, failed: 0 });
  });

  it('halves', () => {
    expect(depthBars([q('render', 10, 5)]).get('render')).toMatchObject({ waiting: 100, active: 50 });
  });
});

describe('describeCells', () => {
  const cell = (campaignName: string, cellKey: string): OpsCellView => ({ variantId: cellKey, campaignId: campaignName, campaignName, cellKey });

  it.each([
    [[], 'No cell uses it'],
    [[cell('Summer', 'market=de')], 'Summer: market=de'],
    [[cell('Summer', 'market=de'), cell('Summer', 'market=jp')], 'Summer: market=de · Summer: market=jp'],
    [[cell('S', 'a'), cell('S', 'b'), cell('W', 'c'), cell('W', 'd')], 'S: a · S: b · +2 more'],
  ])('%j', (cells, text) => expect(describeCells(cells)).toBe(text));
});

describe('reconnectDelayMs', () => {
  it.each([
    [1, 1000],
    [2, 2000],
    [3, 4000],
    [5, 16_000],
    [6, 30_000],
    [50, 30_000],
  ])('after %s failures: %s ms', (attempt, ms) => expect(reconnectDelayMs(attempt)).toBe(ms));
});
