/**
 * ffmpeg expressions that give a per-frame value from a table, for filters
 * that evaluate per frame but take no commands (`perspective` in ffmpeg 5.1).
 *
 * The table is reduced to the fewest straight segments that stay within
 * `tolerance` of every value (Ramer–Douglas–Peucker), then written as a
 * balanced tree of `if(lt(v,k), …, …)`, so a frame costs a handful of
 * comparisons however long the shot and the expression stays shallow enough
 * for ffmpeg's recursive evaluator.
 */
export interface FrameExprOptions {
  /** The filter's frame variable and what it is at frame 0 (`perspective`'s `in` counts from 1). */
  variable: string;
  firstValue: number;
  tolerance: number;
  digits?: number;
}

export function frameExpr(values: number[], o: FrameExprOptions): string {
  if (!values.length) throw new Error('frameExpr needs at least one value');
  const digits = o.digits ?? 4;
  const fmt = (v: number) => {
    const s = v.toFixed(digits).replace(/\.?0+$/, '');
    return s === '-0' ? '0' : s;
  };
  const knots = simplify(values, o.tolerance);
  if (knots.length === 1) return fmt(values[0]);
  // Segment i runs from knots[i] to knots[i+1]: its start value plus a slope times the frames since its start,
  // so rounding the slope costs little however far into the shot the segment lies.
  const segs = knots.slice(0, -1).map((a, i) => {
    const b = knots[i + 1];
    const slope = (values[b] - values[a]) / (b - a);
    const rounded = Number(slope.toFixed(7));
    if (rounded === 0) return { start: a, expr: fmt(values[a]) };
    return { start: a, expr: `${fmt(values[a])}${rounded < 0 ? '-' : '+'}${Math.abs(rounded)}*(${o.variable}-${a + o.firstValue})` };
  });
  const tree = (lo: number, hi: number): string => {
    if (lo === hi) return segs[lo].expr;
    const mid = Math.ceil((lo + hi) / 2);
    // Commas are escaped: the expression sits inside a filtergraph.
    return `if(lt(${o.variable}\\,${segs[mid].start + o.firstValue})\\,${tree(lo, mid - 1)}\\,${tree(mid, hi)})`;
  };
  return tree(0, segs.length - 1);
}

/** Indices of the values kept; first and last always. */
export function simplify(values: number[], tolerance: number): number[] {
  const n = values.length;
  if (n <= 2) return n === 1 ? [0] : [0, 1];
  const keep = new Uint8Array(n);
  keep[0] = keep[n - 1] = 1;
  const stack: Array<[number, number]> = [[0, n - 1]];
  while (stack.length) {
    const [a, b] = stack.pop()!;
    let worst = -1;
    let at = -1;
    for (let i = a + 1; i < b; i++) {
      const line = values[a] + ((values[b] - values[a]) * (i - a)) / (b - a);
      const d = Math.abs(values[i] - line);
      if (d > worst) [worst, at] = [d, i];
    }
    if (worst > tolerance) {
      keep[at] = 1;
      stack.push([a, at], [at, b]);
    }
  }
  const out: number[] = [];
  keep.forEach((k, i) => k && out.push(i));
  return out;
}

/**
 * An exact per-frame value that holds still between changes (whole pixels:
 * `crop` rounds and `overlay` truncates what an expression gives, so a
 * straight-segment fit that lands a hair off an integer could be off by one). Runs of equal values become one leaf of the same balanced tree.
 */
export function stepExpr(values: number[], variable: string, firstValue = 0): string {
  if (!values.length) throw new Error('stepExpr needs at least one value');
  const runs: Array<{ start: number; value: number }> = [];
  values.forEach((v, i) => {
    if (!runs.length || runs[runs.length - 1].value !== v) runs.push({ start: i, value: v });
  });
  const tree = (lo: number, hi: number): string => {
    if (lo === hi) return String(runs[lo].value);
    const mid = Math.ceil((lo + hi) / 2);
    return `if(lt(${variable}\\,${runs[mid].start + firstValue})\\,${tree(lo, mid - 1)}\\,${tree(mid, hi)})`;
  };
  return tree(0, runs.length - 1);
}
