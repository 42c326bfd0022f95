import type { Keyframe, Quad } from '@shotmatrix/contracts';
import { DomainError } from './errors';
import { checkKeyframes, planeSeeds } from './keyframes';

const master = { frameCount: 100, width: 640, height: 360 };
const quad: Quad = [
  [100, 100],
  [200, 100],
  [200, 160],
  [100, 160],
];

function problems(k: Keyframe[]): string[] {
  try {
    checkKeyframes(k, master);
    return [];
  } catch (e) {
    return (e as DomainError).problems ?? [(e as Error).message];
  }
}

describe('checkKeyframes', () => {
  it.each<[string, Keyframe[], RegExp | null]>([
    ['a valid set', [{ kind: 'lock', frame: 0 }, { kind: 'label-quad', frame: 10, plane: 'front', quad }, { kind: 'mark', frame: 50, name: 'legal-in' }], null],
    ['a frame past the end', [{ kind: 'lock', frame: 100 }], /frames 0–99/],
    ['the same lock twice', [{ kind: 'lock', frame: 3 }, { kind: 'lock', frame: 3 }], /set twice/],
    ['a mark name used twice', [{ kind: 'mark', frame: 3, name: 'a' }, { kind: 'mark', frame: 9, name: 'a' }], /mark "a" is set twice/],
    ['a crossed quad', [{ kind: 'label-quad', frame: 1, plane: 'p', quad: [quad[0], quad[2], quad[1], quad[3]] }], /not convex/],
    ['a tiny quad', [{ kind: 'label-quad', frame: 1, plane: 'p', quad: [[0, 0], [4, 0], [4, 4], [0, 4]] }], /at least 8×8/],
    ['a quad far outside', [{ kind: 'label-quad', frame: 1, plane: 'p', quad: quad.map(([x, y]) => [x + 5000, y]) as Quad }], /far outside/],
  ])('%s', (_name, keyframes, expected) => {
    const found = problems(keyframes);
    if (expected === null) expect(found).toEqual([]);
    else expect(found.join('\n')).toMatch(expected);
  });

  it('accepts either winding and returns keyframes in frame order', () => {
    const reversed = [...quad].reverse() as Quad;
    const out = checkKeyframes([{ kind: 'mark', frame: 9, name: 'b' }, { kind: 'label-quad', frame: 2, plane: 'p', quad: reversed }], master);
    expect(out.map((k) => k.frame)).toEqual([2, 9]);
  });
});

describe('planeSeeds', () => {
  it('groups quads by plane, orders seeds by frame and hashes only what seeds the tracker', () => {
    const a = planeSeeds([
      { kind: 'label-quad', frame: 40, plane: 'front', quad },
      { kind: 'lock', frame: 5 },
      { kind: 'label-quad', frame: 10, plane: 'front', quad },
      { kind: 'label-quad', frame: 10, plane: 'back', quad },
    ]);
    expect(a.map((p) => [p.plane, p.seeds.map((s) => s.frame)])).toEqual([
      ['back', [10]],
      ['front', [10, 40]],
    ]);
    // A new lock or mark does not change any plane's hash; moving one corner changes only that plane's.
    const b = planeSeeds([
      { kind: 'label-quad', frame: 10, plane: 'front', quad },
      { kind: 'label-quad', frame: 40, plane: 'front', quad },
      { kind: 'mark', frame: 7, name: 'x' },
      { kind: 'label-quad', frame: 10, plane: 'back', quad: [[101, 100], quad[1], quad[2], quad[3]] },
    ]);
    expect(b[1].seedsHash).toBe(a[1].seedsHash);
    expect(b[0].seedsHash).not.toBe(a[0].seedsHash);
  });
});
