import { createReadStream, createWriteStream } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { pipeline as chain, Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  type GetObjectCommandOutput,
} from '@aws-sdk/client-s3';
import type { AppConfig } from '@shotmatrix/config';
import { writeFileAtomically } from './atomic-file';
import { toReadable } from './fs-object-store';
import {
  assertRangeShape,
  assertValidKey,
  contentTypeForKey,
  objectNotFound,
  rangeNotSatisfiable,
  type ObjectBody,
  type ObjectRange,
  type ObjectStore,
  type StoredObject,
} from './object-store';

export type S3StorageConfig = Extract<AppConfig['storage'], { driver: 's3' }>;

export class S3ObjectStore implements ObjectStore {
  readonly driver = 's3' as const;
  private readonly client: S3Client;
  private readonly bucket: string;

  constructor(config: S3StorageConfig) {
    this.bucket = config.bucket;
    this.client = new S3Client({
      endpoint: config.endpoint,
      region: config.region,
      forcePathStyle: config.forcePathStyle,
      credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
      // SDK releases since early 2025 add CRC32 trailers (aws-chunked uploads)
      // by default; MinIO, R2 and s3rver disagree about them, AWS does not need them.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async ensureReady(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
      return;
    } catch (e) {
      if (statusOf(e) !== 404) throw e;
    }
    try {
      await this.client.send(new CreateBucketCommand({ Bucket: this.bucket }));
    } catch (e) {
      // Another process created it between our two calls.
      if (!['BucketAlreadyOwnedByYou', 'BucketAlreadyExists'].includes(nameOf(e))) throw e;
    }
  }

  async putFile(key: string, filePath: string, contentType?: string): Promise<StoredObject> {
    assertValidKey(key);
    // PutObject needs a known length; stat gives it without reading the file twice.
    const { size } = await fs.stat(filePath);
    const type = contentType ?? contentTypeForKey(key);
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: createReadStream(filePath),
        ContentLength: size,
        ContentType: type,
      }),
    );
    return { size, contentType: type };
  }

  async putStream(key: string, body: NodeJS.ReadableStream | Buffer, contentType?: string): Promise<StoredObject> {
    assertValidKey(key);
    const type = contentType ?? contentTypeForKey(key);
    if (Buffer.isBuffer(body)) {
      await this.client.send(
        new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentLength: body.length, ContentType: type }),
      );
      return { size: body.length, contentType: type };
    }
    // A stream's length is unknown and multipart uploads need @aws-sdk/lib-storage:
    // spool to local disk, then upload with a known length.
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shotmatrix-s3-'));
    try {
      const spooled = path.join(dir, 'body');
      await pipeline(toReadable(body), createWriteStream(spooled));
      return await this.putFile(key, spooled, type);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }

  async head(key: string): Promise<StoredObject | null> {
    assertValidKey(key);
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { size: out.ContentLength ?? 0, contentType: out.ContentType };
    } catch (e) {
      if (statusOf(e) === 404) return null;
      throw e;
    }
  }

  async getStream(key: string, range?: ObjectRange): Promise<ObjectBody> {
    assertValidKey(key);
    if (range) assertRangeShape(key, range);
    let out: GetObjectCommandOutput;
    try {
      out = await this.client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Range: range ? `bytes=${range.start}-${range.end ?? ''}` : undefined,
        }),
      );
    } catch (e) {
      if (statusOf(e) === 404) throw objectNotFound(key);
      if (range && statusOf(e) === 416) throw rangeNotSatisfiable(key, range);
      throw e;
    }
    const body = out.Body as Readable;
    if (!range) return { body, size: out.ContentLength ?? 0, contentType: out.ContentType };

    const served = parseContentRange(out.ContentRange);
    const size = served?.size ?? out.ContentLength ?? 0;
    const end = Math.min(range.end ?? size - 1, size - 1);
    if (range.start >= size) {
      body.destroy();
      throw rangeNotSatisfiable(key, range, size);
    }
    // Some S3-compatible servers send more than asked for (s3rver answers
    // `bytes=0-0` with the whole object, others ignore Range and answer 200):
    // trim here so every caller gets exactly the bytes it asked for.
    const servedStart = served?.start ?? 0;
    const servedEnd = served?.end ?? size - 1;
    const trimmed =
      servedStart === range.start && servedEnd === end
        ? body
        : // The callback form forwards errors from the socket to the returned stream.
          chain(body, byteWindow(range.start - servedStart, end - range.start + 1), () => undefined);
    return { body: trimmed, size, contentType: out.ContentType, range: { start: range.start, end } };
  }

  async getToFile(key: string, filePath: string): Promise<void> {
    const { body } = await this.getStream(key);
    await writeFileAtomically(filePath, (tmp) => pipeline(body, createWriteStream(tmp)));
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  /** Tests and shutdown hooks release sockets through this. */
  destroy(): void {
    this.client.destroy();
  }
}

function statusOf(e: unknown): number | undefined {
  return (e as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}

function nameOf(e: unknown): string {
  return (e as { name?: string } | undefined)?.name ?? '';
}

function parseContentRange(header: string | undefined): { start: number; end: number; size: number } | undefined {
  const m = header ? /^bytes (\d+)-(\d+)\/(\d+)$/.exec(header.trim()) : null;
  return m ? { start: Number(m[1]), end: Number(m[2]), size: Number(m[3]) } : undefined;
}

/** Passes `length` bytes after skipping `skip`, then ends. */
function byteWindow(skip: number, length: number): Transform {
  let offset = 0;
  const stop = skip + length;
  return new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
      const from = Math.max(skip - offset, 0);
      const to = Math.min(stop - offset, chunk.length);
      offset += chunk.length;
      done(null, from < to ? chunk.subarray(from, to) : undefined);
    },
  });
}
