import * as path from 'node:path';
import { DomainError } from '@shotmatrix/domain';

export interface StoredObject {
  size: number;
  contentType?: string;
}

/** Byte range with an inclusive end, as in an HTTP `Range` header; no end means "to the last byte". */
export interface ObjectRange {
  start: number;
  end?: number;
}

export interface ObjectBody {
  body: NodeJS.ReadableStream;
  /** Size of the whole object, not of the range: an HTTP `Content-Range` needs it. */
  size: number;
  contentType?: string;
  /** The bytes `body` holds (inclusive end), when a range was asked for. */
  range?: { start: number; end: number };
}

export interface ObjectStore {
  readonly driver: 'fs' | 's3';
  putFile(key: string, filePath: string, contentType?: string): Promise<StoredObject>;
  putStream(key: string, body: NodeJS.ReadableStream | Buffer, contentType?: string): Promise<StoredObject>;
  head(key: string): Promise<StoredObject | null>;
  /** Rejects with DomainError `OBJECT_NOT_FOUND` (not-found) or `RANGE_NOT_SATISFIABLE` (invalid). */
  getStream(key: string, range?: ObjectRange): Promise<ObjectBody>;
  getToFile(key: string, filePath: string): Promise<void>;
  /** Deleting a missing object succeeds: retried jobs clean up without bookkeeping. */
  delete(key: string): Promise<void>;
  ensureReady(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.mp4': 'video/mp4',
  '.mov': 'video/quicktime',
  '.webm': 'video/webm',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.json': 'application/json',
};

/** The fs driver keeps no metadata, so both drivers answer the same type for the same key. */
export function contentTypeForKey(key: string): string | undefined {
  return CONTENT_TYPES[path.posix.extname(key).toLowerCase()];
}

export const MAX_KEY_LENGTH = 512;
const KEY_PATTERN = /^[a-z0-9][A-Za-z0-9/._-]*$/;

/**
 * Keys become file paths in the fs driver, so anything that could climb out
 * of the root or collide with the driver's own `.tmp` folder is refused.
 */
export function assertValidKey(key: string): void {
  const problem =
    typeof key !== 'string' || key.length === 0
      ? 'is empty'
      : key.length > MAX_KEY_LENGTH
        ? `is longer than ${MAX_KEY_LENGTH} characters`
        : !KEY_PATTERN.test(key)
          ? 'must start with a lower-case letter or digit and hold only letters, digits, "/", ".", "_" and "-"'
          : key.split('/').some((s) => s === '' || s === '.' || s === '..')
            ? 'has an empty, "." or ".." path segment'
            : undefined;
  if (problem) {
    const shown = typeof key === 'string' ? key.slice(0, 80) : String(key);
    throw new DomainError('INVALID_OBJECT_KEY', `object key "${shown}" ${problem}`, 'invalid');
  }
}

export function objectNotFound(key: string): DomainError {
  return new DomainError('OBJECT_NOT_FOUND', `object ${key} does not exist`, 'not-found');
}

function rangeNotSatisfiable(key: string, range: ObjectRange, size?: number): DomainError {
  const asked = `bytes=${range.start}-${range.end ?? ''}`;
  const of = size === undefined ? '' : ` of ${size} bytes`;
  return new DomainError('RANGE_NOT_SATISFIABLE', `range ${asked} is outside object ${key}${of}`, 'invalid');
}

export function assertRangeShape(key: string, range: ObjectRange): void {
  const ok =
    Number.isSafeInteger(range.start) &&
    range.start >= 0 &&
    (range.end === undefined || (Number.isSafeInteger(range.end) && range.end >= range.start));
  if (!ok) throw rangeNotSatisfiable(key, range);
}

/** Clamps the end to the last byte, as HTTP servers do; a start past the end cannot be served. */
export function resolveRange(key: string, range: ObjectRange, size: number): { start: number; end: number } {
  assertRangeShape(key, range);
  if (range.start >= size) throw rangeNotSatisfiable(key, range, size);
  return { start: range.start, end: Math.min(range.end ?? size - 1, size - 1) };
}

export { rangeNotSatisfiable };
