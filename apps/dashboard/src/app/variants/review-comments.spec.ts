import type { CommentThreadView, CommentView } from '@shotmatrix/contracts';
import { commentTicks, firstLine, markersAtFrame, orderThreads, threadsAtFrame, versionTag } from './review-comments';

let seq = 0;
function comment(over: Partial<CommentView> = {}): CommentView {
  seq += 1;
  return {
    id: `c${seq}`,
    variantId: 'v1',
    parentId: null,
    renderKey: 'rk2',
    version: 2,
    frame: 0,
    region: null,
    body: `comment ${seq}`,
    author: 'Dana',
    createdAt: `2026-01-01T10:00:${String(seq).padStart(2, '0')}.000Z`,
    resolvedAt: null,
    resolvedBy: null,
    ...over,
  };
}
const thread = (over: Partial<CommentView> = {}, replies: CommentView[] = []): CommentThreadView => ({ ...comment(over), replies });

describe('orderThreads', () => {
  it('sorts by frame, then oldest first, without touching the input', () => {
    const a = thread({ frame: 40, createdAt: '2026-01-01T10:00:00.000Z' });
    const b = thread({ frame: 12, createdAt: '2026-01-02T10:00:00.000Z' });
    const c = thread({ frame: 12, createdAt: '2026-01-01T09:00:00.000Z' });
    const input = [a, b, c];
    expect(orderThreads(input).map((t) => t.id)).toEqual([c.id, b.id, a.id]);
    expect(input).toEqual([a, b, c]);
  });
});

describe('threadsAtFrame', () => {
  const here = thread({ frame: 12 });
  const replyHere = thread({ frame: 3 }, [comment({ frame: 12 })]);
  const elsewhere = thread({ frame: 13 }, [comment({ frame: 13 })]);
  it('finds threads pinned to the frame, by their first comment or a reply', () => {
    expect(threadsAtFrame([here, replyHere, elsewhere], 12)).toEqual([here, replyHere]);
  });
  it('is empty between comments', () => {
    expect(threadsAtFrame([here, replyHere, elsewhere], 11)).toEqual([]);
  });
});

describe('markersAtFrame', () => {
  const region = { x: 0.1, y: 0.2, w: 0.3, h: 0.4 };
  it('draws the regions of open threads at the frame, numbered as listed', () => {
    const plain = thread({ frame: 5 });
    const boxed = thread({ frame: 5, region, body: 'logo too small', author: 'Ana' });
    const later = thread({ frame: 9, region });
    expect(markersAtFrame([plain, boxed, later], 5)).toEqual([{ id: boxed.id, region, label: '#2', text: 'Ana: logo too small' }]);
  });

  it('includes a reply that marked a region there', () => {
    const r = comment({ frame: 5, region });
    const t = thread({ frame: 5 }, [r]);
    expect(markersAtFrame([t], 5).map((m) => [m.id, m.label])).toEqual([[r.id, '#1']]);
  });

  it('leaves resolved threads off the picture', () => {
    const t = thread({ frame: 5, region, resolvedAt: '2026-01-03T00:00:00.000Z', resolvedBy: 'Ana' });
    expect(markersAtFrame([t], 5)).toEqual([]);
  });
});

describe('commentTicks', () => {
  it('gives one tick per frame, open while any thread there is', () => {
    const resolved = { resolvedAt: '2026-01-03T00:00:00.000Z', resolvedBy: 'Ana' };
    const ticks = commentTicks([thread({ frame: 30, ...resolved }), thread({ frame: 4 }), thread({ frame: 30 }), thread({ frame: 50, ...resolved })]);
    expect(ticks).toEqual([
      { frame: 4, open: true },
      { frame: 30, open: true },
      { frame: 50, open: false },
    ]);
  });
});

describe('versionTag', () => {
  it.each([
    [{ renderKey: 'rk2', version: 2 }, null],
    [{ renderKey: 'rk1', version: 1 }, 'v1'],
    [{ renderKey: 'rk3', version: 3 }, 'v3'],
    [{ renderKey: 'gone', version: null }, 'earlier version'],
  ])('%p seen on rk2 → %p', (c, tag) => {
    expect(versionTag(c, 'rk2')).toBe(tag);
  });
});

describe('firstLine', () => {
  it.each([
    ['  short  ', 'short'],
    ['first\nsecond', 'first'],
    ['first\r\nsecond', 'first'],
    ['a'.repeat(100), `${'a'.repeat(79)}…`],
  ])('%p → %p', (body, line) => {
    expect(firstLine(body)).toBe(line);
  });
});
