import type { Keyframe, Quad } from '@shotmatrix/contracts';
import {
  adjacentKeyframe,
  describeKeyframe,
  initialQuad,
  isLocked,
  keyframeId,
  keyframeTicks,
  labelQuadsAt,
  nameProblem,
  normaliseName,
  planeNames,
  removeKeyframe,
  sameKeyframes,
  setLabelQuad,
  setMark,
  sortKeyframes,
  toggleLock,
} from './keyframe-edits';

const q = (dx = 0): Quad => [
  [10 + dx, 10],
  [50 + dx, 10],
  [50 + dx, 40],
  [10 + dx, 40],
];

const list: Keyframe[] = [
  { kind: 'mark', frame: 40, name: 'legal-in' },
  { kind: 'lock', frame: 0 },
  { kind: 'label-quad', frame: 10, plane: 'front', quad: q() },
];

describe('keyframe list edits', () => {
  it('identifies keyframes the way the API keeps them unique', () => {
    expect(list.map(keyframeId)).toEqual(['mark/legal-in', 'lock/0', 'label-quad/front/10']);
  });

  it('sorts by frame, then kind', () => {
    const sorted = sortKeyframes([...list, { kind: 'lock', frame: 10 }]);
    expect(sorted.map(keyframeId)).toEqual(['lock/0', 'label-quad/front/10', 'lock/10', 'mark/legal-in']);
    // The input is left alone.
    expect(list[0].kind).toBe('mark');
  });

  it('locks and unlocks a frame', () => {
    const locked = toggleLock(list, 10);
    expect(isLocked(locked, 10)).toBe(true);
    expect(locked).toHaveLength(4);
    const unlocked = toggleLock(locked, 10);
    expect(isLocked(unlocked, 10)).toBe(false);
    expect(sameKeyframes(unlocked, list)).toBe(true);
  });

  it('moves a mark of the same name instead of doubling it', () => {
    const moved = setMark(list, 'legal-in', 5);
    expect(moved.filter((k) => k.kind === 'mark')).toEqual([{ kind: 'mark', frame: 5, name: 'legal-in' }]);
    expect(setMark(list, 'super-1', 40).filter((k) => k.kind === 'mark')).toHaveLength(2);
  });

  it('replaces the quad of a plane on a frame and adds it on another', () => {
    const edited = setLabelQuad(list, 'front', 10, q(5));
    expect(labelQuadsAt(edited, 10)).toEqual([{ kind: 'label-quad', frame: 10, plane: 'front', quad: q(5) }]);
    const second = setLabelQuad(edited, 'front', 60, q(9));
    expect(second.filter((k) => k.kind === 'label-quad').map((k) => k.frame)).toEqual([10, 60]);
    expect(labelQuadsAt(second, 11)).toEqual([]);
  });

  it('removes by id', () => {
    expect(removeKeyframe(list, 'label-quad/front/10').map(keyframeId)).toEqual(['mark/legal-in', 'lock/0']);
    expect(removeKeyframe(list, 'lock/99')).toHaveLength(3);
  });

  it('compares lists regardless of order but notices moved corners', () => {
    expect(sameKeyframes(list, sortKeyframes(list))).toBe(true);
    expect(sameKeyframes(list, setLabelQuad(list, 'front', 10, q(1)))).toBe(false);
    expect(sameKeyframes(list, list.slice(1))).toBe(false);
  });

  it('finds the next and previous keyframe', () => {
    expect(adjacentKeyframe(list, 0, 1)).toBe(10);
    expect(adjacentKeyframe(list, 10, 1)).toBe(40);
    expect(adjacentKeyframe(list, 40, 1)).toBeNull();
    expect(adjacentKeyframe(list, 40, -1)).toBe(10);
    expect(adjacentKeyframe(list, 0, -1)).toBeNull();
  });

  it('describes keyframes for the list and the scrubber ticks', () => {
    expect(list.map(describeKeyframe)).toEqual(['Mark “legal-in”', 'Lock', 'Label quad “front”']);
    expect(keyframeTicks(list)[2]).toEqual({ id: 'label-quad/front/10', kind: 'label-quad', frame: 10, label: 'Label quad “front”' });
  });
});

describe('names', () => {
  it('accepts what the API accepts', () => {
    expect(nameProblem('front-label_2', 'plane')).toBeNull();
    expect(nameProblem('', 'mark')).toBe('Name the mark.');
    expect(nameProblem('Front', 'plane')).toMatch(/lower-case letters/);
    expect(nameProblem('-front', 'plane')).toMatch(/lower-case letters/);
    expect(nameProblem('a'.repeat(41), 'mark')).toMatch(/at most 40/);
  });

  it('normalises what was typed', () => {
    expect(normaliseName('  Front Label ')).toBe('front-label');
  });
});

describe('initialQuad', () => {
  const tracked: Quad = [[1, 1], [30, 1], [30, 30], [1, 30]];

  it('starts from the tracked plane, then the nearest keyframe of the plane, then a centred rectangle', () => {
    expect(initialQuad(list, 'front', 50, tracked, 640, 360)).toEqual(tracked);
    const more = setLabelQuad(list, 'front', 90, q(7));
    expect(initialQuad(more, 'front', 30, null, 640, 360)).toEqual(q());
    expect(initialQuad(more, 'front', 80, null, 640, 360)).toEqual(q(7));
    expect(initialQuad(more, 'back', 80, null, 600, 300)).toEqual([[200, 100], [400, 100], [400, 200], [200, 200]]);
  });

  it('copies, so editing the new quad leaves the source alone', () => {
    const copy = initialQuad(list, 'front', 50, null, 640, 360);
    copy[0][0] = 999;
    expect((list[2] as { quad: Quad }).quad[0][0]).toBe(10);
  });

  it('lists plane names once', () => {
    expect(planeNames(setLabelQuad(setLabelQuad(list, 'back', 3, q()), 'front', 90, q()))).toEqual(['back', 'front']);
  });
});
