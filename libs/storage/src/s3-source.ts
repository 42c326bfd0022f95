import { createHash, type Hash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { IngestS3Config } from '@shotmatrix/config';
import { DomainError } from '@shotmatrix/domain';

/** S3's own limit on a key: 1024 bytes of UTF-8. */
export const MAX_SOURCE_KEY_BYTES = 1024;

export interface SourceObject {
  size: number;
  contentType?: string;
  etag?: string;
}

export interface FetchedObject {
  sizeBytes: number;
  sha256: string;
  contentType?: string;
}

/**
 * Producer keys are free-form (capitals, spaces, any language), unlike the
 * store's own keys, so only what could make the SDK ask for a different
 * object is refused: "." and ".." segments (URL normalisation would fold
 * them), a leading "/", control characters, and an "s3://" URL in place of
 * a key.
 */
export function assertSourceKey(key: unknown): asserts key is string {
  const shown = typeof key === 'string' ? JSON.stringify(key.length > 80 ? `${key.slice(0, 80)}…` : key) : String(key);
  const problem =
    typeof key !== 'string' || key.length === 0
      ? 'is empty'
      : Buffer.byteLength(key, 'utf8') > MAX_SOURCE_KEY_BYTES
        ? `is longer than S3's ${MAX_SOURCE_KEY_BYTES}-byte limit`
        : /^s3:\/\//i.test(key)
          ? 'is an s3:// URL: send the bucket and the key as separate fields'
          : key.startsWith('/')
            ? 'starts with "/": S3 keys have no leading slash'
            : // eslint-disable-next-line no-control-regex
              /[\u0000-\u001f\u007f]/.test(key)
              ? 'holds control characters'
              : key.split('/').some((s) => s === '.' || s === '..')
                ? 'has a "." or ".." path segment'
                : undefined;
  if (problem) throw new DomainError('INVALID_SOURCE_KEY', `object key ${shown} ${problem}`, 'invalid');
}

/**
 * Read-only access to the one bucket producers drop masters in. Objects are
 * streamed to a local file — never held in memory — and measured on the way,
 * so a 2 GB master costs disk, not RAM, and an oversized one is cut off.
 */
export class S3Source {
  readonly bucket: string;
  private readonly client: S3Client;

  constructor(config: IngestS3Config) {
    this.bucket = config.bucket;
    this.client = new S3Client({
      endpoint: config.endpoint,
      region: config.region,
      forcePathStyle: config.forcePathStyle,
      // Undefined leaves the SDK's default chain (instance or task role) in charge.
      credentials: config.credentials,
      // As in S3ObjectStore: S3-compatible servers disagree about CRC32 trailers.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  /** How producers see the object in messages. */
  describe(key: string): string {
    return `s3://${this.bucket}/${key}`;
  }

  async head(key: string): Promise<SourceObject | null> {
    assertSourceKey(key);
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { size: out.ContentLength ?? 0, contentType: out.ContentType, etag: out.ETag };
    } catch (e) {
      if (statusOf(e) === 404) return null;
      throw this.explain(key, e);
    }
  }

  /**
   * Downloads the object to `filePath` (which must not exist), hashing it on
   * the way. The size is checked three times: HEAD (refused before a byte
   * moves), the GET's Content-Length, and a running count that aborts the
   * download the moment it passes `maxBytes`. Any failure removes the file.
   */
  async fetchToFile(key: string, filePath: string, opts: { maxBytes: number; signal?: AbortSignal }): Promise<FetchedObject> {
    const head = await this.head(key);
    if (!head) throw this.notFound(key);
    this.checkSize(key, head.size, opts.maxBytes);
    try {
      const out = await this.client
        // If-Match pins the GET to the object HEAD measured; a replaced object answers 412.
        .send(new GetObjectCommand({ Bucket: this.bucket, Key: key, IfMatch: head.etag }), { abortSignal: opts.signal })
        .catch((e: unknown) => {
          throw this.explain(key, e);
        });
      const body = out.Body as Readable;
      if (out.ContentLength !== undefined && out.ContentLength > opts.maxBytes) {
        body.destroy();
        this.checkSize(key, out.ContentLength, opts.maxBytes);
      }
      const hash = createHash('sha256');
      const meter = new ByteMeter(opts.maxBytes, hash, () => this.tooLarge(key, undefined, opts.maxBytes));
      // pipeline destroys the response body when the meter fails, which closes the connection mid-transfer.
      await pipeline(body, meter, createWriteStream(filePath, { flags: 'wx' }), { signal: opts.signal });
      return { sizeBytes: meter.bytes, sha256: hash.digest('hex'), contentType: out.ContentType ?? head.contentType };
    } catch (e) {
      await rm(filePath, { force: true });
      throw e;
    }
  }

  /** Tests and shutdown hooks release sockets through this. */
  destroy(): void {
    this.client.destroy();
  }

  private checkSize(key: string, size: number, maxBytes: number): void {
    if (size > maxBytes) throw this.tooLarge(key, size, maxBytes);
  }

  private tooLarge(key: string, size: number | undefined, maxBytes: number): DomainError {
    const is = size === undefined ? 'is larger than' : `is ${formatBytes(size, maxBytes)}, over`;
    return new DomainError('SOURCE_OBJECT_TOO_LARGE', `${this.describe(key)} ${is} the ${formatBytes(maxBytes)} limit`, 'too-large');
  }

  private notFound(key: string): DomainError {
    return new DomainError('SOURCE_OBJECT_NOT_FOUND', `${this.describe(key)} does not exist`, 'not-found');
  }

  /** S3 answers a missing key with 403 when the reader may not list the bucket, so 403 is named both ways. */
  private explain(key: string, e: unknown): unknown {
    switch (statusOf(e)) {
      case 404:
        return this.notFound(key);
      case 403:
        return new DomainError(
          'SOURCE_OBJECT_FORBIDDEN',
          `${this.describe(key)} does not exist or Shotmatrix may not read it (S3 answered 403 ${nameOf(e) || 'Forbidden'})`,
          'not-found',
        );
      case 412:
        return new DomainError('SOURCE_OBJECT_CHANGED', `${this.describe(key)} was replaced while it was being read; try again`, 'conflict');
      default:
        return e;
    }
  }
}

/** Counts and hashes what passes, and fails the stream as soon as it exceeds `maxBytes`. */
export class ByteMeter extends Transform {
  bytes = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly hash: Hash,
    private readonly tooLarge: () => Error,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) {
      done(this.tooLarge());
      return;
    }
    this.hash.update(chunk);
    done(null, chunk);
  }
}

function statusOf(e: unknown): number | undefined {
  return (e as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}

function nameOf(e: unknown): string {
  return (e as { name?: string } | undefined)?.name ?? '';
}

/** Exact bytes when rounding would make an object just over the limit read as the limit itself. */
function formatBytes(n: number, limit?: number): string {
  const units: [number, string][] = [[1024 ** 3, 'GiB'], [1024 ** 2, 'MiB'], [1024, 'KiB']];
  for (const [size, unit] of units) {
    if (n >= size) {
      const text = `${Number((n / size).toFixed(1))} ${unit}`;
      return limit !== undefined && text === formatBytes(limit) ? `${n} bytes` : text;
    }
  }
  return `${n} bytes`;
}
