/**
 * Errors the product explains to a person. The code is stable (clients and
 * tests match on it); `kind` decides the HTTP status in one place, the API's
 * exception filter.
 */
export type DomainErrorKind =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'too-large'
  | 'unsupported-media'
  | 'precondition-required'
  | 'rate-limited';

export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly kind: DomainErrorKind = 'invalid',
    /** Every problem, when validation found several; `message` is the first. */
    readonly problems?: string[],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (what: string, id: string) => new DomainError('NOT_FOUND', `${what} ${id} does not exist`, 'not-found');
