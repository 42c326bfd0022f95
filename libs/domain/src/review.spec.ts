import { checkDecision, isStale, threadComments } from './review';

const done = { cellKey: 'market=de;label=classic;background=lake', renderKey: 'k1', status: 'done' };

describe('checkDecision', () => {
  it('needs a comment to reject, not to approve', () => {
    expect(checkDecision({ decision: 'rejected', comment: '  ', basedOn: null }, done, null)?.code).toBe('COMMENT_REQUIRED');
    expect(checkDecision({ decision: 'rejected', comment: 'price too small', basedOn: null }, done, null)).toBeNull();
    expect(checkDecision({ decision: 'approved', comment: null, basedOn: null }, done, null)).toBeNull();
  });

  it('refuses a variant that is not rendered yet', () => {
    const e = checkDecision({ decision: 'approved', comment: null, basedOn: null }, { ...done, status: 'rendering' }, null);
    expect(e).toMatchObject({ code: 'VARIANT_NOT_RENDERED', kind: 'conflict' });
  });

  it('lets the second of two decisions based on the same state lose with a conflict that says who won', () => {
    const first = { id: 'a1', decision: 'rejected' as const, decidedBy: 'bm@de', renderKey: 'k1' };
    const e = checkDecision({ decision: 'approved', comment: null, basedOn: null }, done, first);
    expect(e).toMatchObject({ code: 'DECISION_CONFLICT', kind: 'conflict' });
    expect(e!.message).toBe('market=de;label=classic;background=lake changed while you were looking: bm@de rejected it; reload and decide again');
    expect(checkDecision({ decision: 'approved', comment: null, basedOn: 'a1' }, done, first)).toBeNull();
    expect(checkDecision({ decision: 'approved', comment: null, basedOn: 'a0' }, done, null)?.code).toBe('DECISION_CONFLICT');
  });
});

describe('isStale', () => {
  it('holds for the render it saw', () => {
    expect(isStale({ renderKey: 'k1' }, { renderKey: 'k1' })).toBe(false);
    expect(isStale({ renderKey: 'k1' }, { renderKey: 'k2' })).toBe(true);
  });
});

describe('threadComments', () => {
  const c = (id: string, parentId: string | null, t: number) => ({ id, parentId, createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, t)).toISOString() });

  it('puts replies (and replies to replies) under their root, oldest first', () => {
    const threads = threadComments([c('r2', 'a', 5), c('a', null, 1), c('b', null, 2), c('r1', 'a', 3), c('rr', 'r1', 4)]);
    expect(threads.map((t) => [t.id, t.replies.map((r) => r.id)])).toEqual([
      ['a', ['r1', 'rr', 'r2']],
      ['b', []],
    ]);
  });

  it('keeps a reply whose parent is gone as a thread of its own, and survives a cycle', () => {
    expect(threadComments([c('x', 'missing', 1)]).map((t) => t.id)).toEqual(['x']);
    const cyc = threadComments([c('p', 'q', 1), c('q', 'p', 2)]);
    expect(cyc.length).toBeLessThanOrEqual(2);
  });
});
