import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { IngestS3Config } from '@shotmatrix/config';
import { DomainError } from '@shotmatrix/domain';
import { startS3rver } from './s3rver-harness';
import { assertSourceKey, ByteMeter, S3Source } from './s3-source';

describe('assertSourceKey', () => {
  it.each([
    ['spaces and capitals', 'shoots/day 1/A001_C002.mov'],
    ['any script', 'Masters/Ä-über/夏.mp4'],
    ['dots inside a segment', 'a..b/c.mp4'],
    ['1024 bytes', 'x'.repeat(1024)],
  ])('accepts %s', (_what, key) => {
    expect(() => assertSourceKey(key)).not.toThrow();
  });

  it.each([
    ['an empty key', '', 'is empty'],
    ['a leading ".."', '../secrets.mp4', 'has a "." or ".." path segment'],
    ['a "." segment', 'shoots/./a.mp4', 'has a "." or ".." path segment'],
    ['a trailing ".."', 'shoots/a/..', 'has a "." or ".." path segment'],
    ['a leading "/"', '/shoots/a.mp4', 'starts with "/"'],
    ['an s3:// URL', 's3://ingest/a.mp4', 'is an s3:// URL'],
    ['a newline', 'a\nb.mp4', 'holds control characters'],
    ['1025 ASCII bytes', 'x'.repeat(1025), "is longer than S3's 1024-byte limit"],
    ['513 two-byte characters', 'ä'.repeat(513), "is longer than S3's 1024-byte limit"],
  ])('refuses %s', (_what, key, problem) => {
    try {
      assertSourceKey(key);
      throw new Error('expected a DomainError');
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).code).toBe('INVALID_SOURCE_KEY');
      expect((e as DomainError).kind).toBe('invalid');
      expect((e as DomainError).message).toContain(problem);
    }
  });
});

describe('ByteMeter', () => {
  it('fails the stream once it passes the limit and stops reading the source', async () => {
    let produced = 0;
    // 64 KiB chunks, endless: a meter that only checked at the end would never return.
    const source = Readable.from(
      (function* () {
        for (;;) {
          produced++;
          yield Buffer.alloc(64 * 1024);
        }
      })(),
    );
    const sink = new Writable({ write: (_c, _e, done) => done() });
    const meter = new ByteMeter(1024 * 1024, createHash('sha256'), () => new Error('too big'));
    await expect(pipeline(source, meter, sink)).rejects.toThrow('too big');
    expect(meter.bytes).toBe(1024 * 1024 + 64 * 1024);
    expect(source.destroyed).toBe(true);
    expect(produced).toBeLessThan(40);
  });
});

describe('S3Source against an S3-protocol server on loopback', () => {
  let server: Awaited<ReturnType<typeof startS3rver>>;
  let config: IngestS3Config;
  let source: S3Source;
  let work: string;
  // 300 kB spans several stream chunks.
  const payload = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7919) % 251));
  const oddKey = 'Shoots/Day 1/Ä001 take 2.mov';

  beforeAll(async () => {
    server = await startS3rver();
    const { endpoint, region, accessKeyId, secretAccessKey, forcePathStyle } = server.config;
    config = { bucket: 'producer-ingest', endpoint, region, credentials: { accessKeyId, secretAccessKey }, forcePathStyle };
    const admin = new S3Client({ endpoint, region, forcePathStyle, credentials: { accessKeyId, secretAccessKey } });
    await admin.send(new CreateBucketCommand({ Bucket: config.bucket }));
    for (const key of ['drop/master.mp4', oddKey]) {
      await admin.send(new PutObjectCommand({ Bucket: config.bucket, Key: key, Body: payload, ContentType: 'video/mp4' }));
    }
    admin.destroy();
    source = new S3Source(config);
    work = await fs.mkdtemp(path.join(os.tmpdir(), 'shotmatrix-s3-source-'));
  });

  afterAll(async () => {
    source?.destroy();
    await server?.stop();
    await fs.rm(work, { recursive: true, force: true });
  });

  it('heads an object and answers null for a missing one', async () => {
    await expect(source.head('drop/master.mp4')).resolves.toMatchObject({ size: payload.length, contentType: 'video/mp4' });
    await expect(source.head('drop/nope.mp4')).resolves.toBeNull();
  });

  it.each(['drop/master.mp4', oddKey])('streams %j to a file, with its size and sha256', async (key) => {
    const target = path.join(work, `fetched-${Math.random()}`);
    const got = await source.fetchToFile(key, target, { maxBytes: payload.length });
    expect(got).toEqual({
      sizeBytes: payload.length,
      sha256: createHash('sha256').update(payload).digest('hex'),
      contentType: 'video/mp4',
    });
    expect((await fs.readFile(target)).equals(payload)).toBe(true);
  });

  const expectFailure = async (key: string, maxBytes: number, code: string, kind: string, message: string) => {
    const target = path.join(work, `failed-${Math.random()}`);
    const err = await source.fetchToFile(key, target, { maxBytes }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({ code, kind, message });
    await expect(fs.stat(target)).rejects.toMatchObject({ code: 'ENOENT' });
  };

  it('names a missing key and leaves no file', async () => {
    await expectFailure('drop/nope.mp4', 1e9, 'SOURCE_OBJECT_NOT_FOUND', 'not-found', 's3://producer-ingest/drop/nope.mp4 does not exist');
  });

  it('refuses an object over the limit before downloading it, naming the limit', async () => {
    await expectFailure(
      'drop/master.mp4',
      100 * 1024,
      'SOURCE_OBJECT_TOO_LARGE',
      'too-large',
      's3://producer-ingest/drop/master.mp4 is 293 KiB, over the 100 KiB limit',
    );
  });

  it('says when the server refuses to let it read (wrong credentials answer 403)', async () => {
    const stranger = new S3Source({ ...config, credentials: { accessKeyId: 'NOBODY', secretAccessKey: 'wrong' } });
    try {
      await expect(stranger.head('drop/master.mp4')).rejects.toMatchObject({
        code: 'SOURCE_OBJECT_FORBIDDEN',
        message: expect.stringMatching(/^s3:\/\/producer-ingest\/drop\/master\.mp4 does not exist or Shotmatrix may not read it \(S3 answered 403/),
      });
    } finally {
      stranger.destroy();
    }
  });
});
