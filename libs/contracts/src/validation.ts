import type { z } from 'zod';

/** `['markets', 3, 'copy', 'price']` → `markets[3].copy.price`, the way a producer reads a file. */
export function formatIssuePath(path: ReadonlyArray<PropertyKey>): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}

const show = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : v === undefined ? 'nothing' : JSON.stringify(v) ?? String(v));

/** One sentence per problem: `markets[3].copy.price: expected a number, got "abc"`. */
export function describeIssue(issue: z.core.$ZodIssue): string {
  const where = formatIssuePath(issue.path);
  let what = issue.message;
  if (issue.code === 'invalid_type') {
    what = issue.input === undefined ? 'is required' : `expected ${article(issue.expected)}, got ${show(issue.input)}`;
  } else if (issue.code === 'unrecognized_keys') {
    what = `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  }
  return where ? `${where}: ${what}` : what;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; problems: string[] };

/** Validates and reports every problem, not just the first, so a producer fixes a file in one pass. */
export function validate<S extends z.ZodType>(schema: S, input: unknown): Validated<z.infer<S>> {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, problems: result.error.issues.map(describeIssue) };
}
