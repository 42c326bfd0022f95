import { campaignProgress, cancelPlan, checkRetry, eta, MIN_RATE_SPAN_MS, ratePerMinute, type Finish } from './ops';
import { DomainError } from './errors';

const MIN = 60_000;
const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
/** Finishes `minutesAgo` before NOW, one variant each unless given. */
const at = (minutesAgo: number, count = 1): Finish => ({ at: NOW - minutesAgo * MIN, count });

describe('ratePerMinute', () => {
  it.each<[string, Finish[], number, number | null, number]>([
    ['nothing finished', [], 5 * MIN, null, 0],
    ['10 in the last 5 minutes', Array.from({ length: 10 }, (_, i) => at(i * 0.4)), 5 * MIN, null, 2],
    ['finishes older than the window do not count', [at(1), at(2), at(6), at(30)], 5 * MIN, null, 0.4],
    ['the window is open at its far end', [at(5)], 5 * MIN, null, 0],
    ['a render shared by 4 cells counts 4 variants', [at(1, 4)], 5 * MIN, null, 0.8],
    ['15 minutes', [at(1), at(7), at(14), at(16)], 15 * MIN, null, 0.2],
    ['a run younger than the window is measured from its start', [at(0.5), at(1), at(1.5)], 15 * MIN, NOW - 2 * MIN, 1.5],
    ['a start before the window changes nothing', [at(1), at(2)], 5 * MIN, NOW - 60 * MIN, 0.4],
    ['a run a few seconds old is measured over the minimum span', [at(0.05, 3)], 15 * MIN, NOW - 5_000, (3 * MIN) / MIN_RATE_SPAN_MS],
    ['a finish stamped a little in the future (clock skew) still counts', [{ at: NOW + 2_000, count: 1 }], 5 * MIN, null, 0.2],
  ])('%s', (_name, finishes, windowMs, since, expected) => {
    expect(ratePerMinute(finishes, NOW, windowMs, since)).toBeCloseTo(expected, 9);
  });

  it('refuses an empty window', () => {
    expect(() => ratePerMinute([at(1)], NOW, 0)).toThrow(RangeError);
  });
});

describe('campaignProgress', () => {
  it.each<[string, { total: number; done: number; failed: number }, { percent: number; remaining: number }]>([
    ['nothing yet', { total: 0, done: 0, failed: 0 }, { percent: 0, remaining: 0 }],
    ['not started', { total: 8, done: 0, failed: 0 }, { percent: 0, remaining: 8 }],
    ['half', { total: 8, done: 4, failed: 0 }, { percent: 50, remaining: 4 }],
    ['rounds down, so 100 means all done', { total: 1000, done: 999, failed: 0 }, { percent: 99, remaining: 1 }],
    ['one third', { total: 3, done: 1, failed: 0 }, { percent: 33, remaining: 2 }],
    ['failures are settled but not progress', { total: 10, done: 6, failed: 4 }, { percent: 60, remaining: 0 }],
    ['all done', { total: 12, done: 12, failed: 0 }, { percent: 100, remaining: 0 }],
    ['inconsistent counts never go negative', { total: 2, done: 2, failed: 1 }, { percent: 100, remaining: 0 }],
  ])('%s', (_name, counts, expected) => {
    expect(campaignProgress(counts)).toEqual(expected);
  });
});

describe('eta', () => {
  it.each<[string, number, number, ReturnType<typeof eta>]>([
    ['nothing left', 0, 3, { state: 'finished' }],
    ['nothing left and no rate', 0, 0, { state: 'finished' }],
    ['work left, no rate yet', 10, 0, { state: 'unknown' }],
    ['a nonsense rate is no rate', 10, Number.NaN, { state: 'unknown' }],
    ['an infinite rate is no rate', 10, Number.POSITIVE_INFINITY, { state: 'unknown' }],
    ['10 left at 2 a minute', 10, 2, { state: 'estimate', seconds: 300 }],
    ['rounds up to the second', 1, 7, { state: 'estimate', seconds: 9 }],
    ['slow: 3 left at 0.2 a minute', 3, 0.2, { state: 'estimate', seconds: 900 }],
  ])('%s', (_name, remaining, rate, expected) => {
    expect(eta(remaining, rate)).toEqual(expected);
  });
});

describe('who may retry or cancel what', () => {
  it.each([
    ['waiting', 'RENDER_NOT_FAILED'],
    ['queued', 'RENDER_NOT_FAILED'],
    ['rendering', 'RENDER_NOT_FAILED'],
    ['done', 'RENDER_NOT_FAILED'],
    ['failed', null],
  ] as const)('retry of a %s render: %s', (status, code) => {
    const e = checkRetry('k1', status);
    expect(e?.code ?? null).toBe(code);
    if (e) expect(e).toMatchObject({ kind: 'conflict', message: `render k1 is ${status}; only failed renders can be retried` });
  });

  it.each([
    ['waiting', 'unqueue'],
    ['queued', 'unqueue'],
    ['rendering', 'signal'],
    ['done', 'RENDER_NOT_ACTIVE'],
    ['failed', 'RENDER_NOT_ACTIVE'],
  ] as const)('cancel of a %s render: %s', (status, expected) => {
    const plan = cancelPlan('k1', status);
    if (plan instanceof DomainError) expect([plan.code, plan.kind]).toEqual([expected, 'conflict']);
    else expect(plan).toBe(expected);
  });
});
