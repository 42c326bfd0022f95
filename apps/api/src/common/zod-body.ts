import type { z } from 'zod';
import { validate } from '@shotmatrix/contracts';
import { DomainError } from '@shotmatrix/domain';

/** Validates a request body; a 400 names every problem (`markets[3].copy.price: expected a number, got "abc"`). */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = validate(schema, body ?? {});
  if (result.ok) return result.value;
  throw new DomainError('VALIDATION_FAILED', result.problems[0], 'invalid', result.problems);
}
