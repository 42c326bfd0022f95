import type { z } from 'zod';
import { DomainError } from '@shotmatrix/domain';

/** Formats a zod failure as `markets[1].code: must be …` so a producer can find the field. */
export function formatIssuePath(path: ReadonlyArray<PropertyKey>): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('');
}

export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = formatIssuePath(issue.path);
  throw new DomainError('VALIDATION_FAILED', where ? `${where}: ${issue.message}` : issue.message);
}
