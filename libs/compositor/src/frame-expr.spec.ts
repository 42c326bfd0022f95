import { frameExpr, simplify, stepExpr } from './frame-expr';
import { evalFrameExpr } from './test-helpers';

describe('simplify', () => {
  it.each([
    [[5], [0]],
    [[1, 2], [0, 1]],
    [[0, 1, 2, 3, 4], [0, 4]],
    [[0, 1, 2, 10, 4], [0, 2, 3, 4]],
  ])('%j keeps %j', (values, kept) => expect(simplify(values, 0.01)).toEqual(kept));
});

describe('frameExpr', () => {
  it('is a constant for a constant table', () => expect(frameExpr([3, 3, 3], { variable: 'in', firstValue: 1, tolerance: 0.01 })).toBe('3'));
  it('follows a curve within the tolerance at every frame, with ffmpeg’s escaping', () => {
    const values = Array.from({ length: 500 }, (_, n) => 40 * Math.sin(n / 30) + 0.002 * n * n);
    const expr = frameExpr(values, { variable: 'in', firstValue: 1, tolerance: 0.02 });
    expect(expr).toContain('if(lt(in\\,');
    expect(expr).not.toMatch(/[^\\],/);
    values.forEach((v, n) => expect(Math.abs(evalFrameExpr(expr, 'in', n + 1) - v)).toBeLessThan(0.02 + 1e-3));
    // A balanced tree: depth grows with log2 of the segments, so ffmpeg's recursive evaluator copes with long shots.
    const depth = Math.max(...expr.split('').reduce<number[]>((acc, ch) => [...acc, (acc.at(-1) ?? 0) + (ch === '(' ? 1 : ch === ')' ? -1 : 0)], []));
    expect(depth).toBeLessThan(40);
  });
  it('counts from the filter’s first frame value', () => {
    const expr = frameExpr([0, 10, 20], { variable: 'n', firstValue: 0, tolerance: 0.01 });
    expect(evalFrameExpr(expr, 'n', 2)).toBeCloseTo(20);
  });
});

describe('stepExpr', () => {
  it('is the value itself when it never changes', () => expect(stepExpr([568, 568], 'n')).toBe('568'));
  it('gives every frame its exact whole value, runs of equal values sharing a leaf', () => {
    const values = Array.from({ length: 300 }, (_, n) => 2 * Math.floor(n / 3) + (n > 150 ? 40 : 0));
    const expr = stepExpr(values, 'n');
    values.forEach((v, n) => expect(evalFrameExpr(expr, 'n', n)).toBe(v));
    const runs = values.filter((v, i) => i === 0 || v !== values[i - 1]).length;
    expect(expr.match(/if\(/g)!.length).toBe(runs - 1);
  });
});
