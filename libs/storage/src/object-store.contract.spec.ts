import { once } from 'node:events';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { DomainError } from '@shotmatrix/domain';
import { createObjectStore, type ObjectStore } from './index';
import { startS3rver } from './s3rver-harness';
import type { S3ObjectStore } from './s3-object-store';

async function readAll(body: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of body as AsyncIterable<Buffer>) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

interface Harness {
  store: ObjectStore;
  close(): Promise<void>;
}

const drivers: [string, () => Promise<Harness>][] = [
  [
    'fs',
    async () => {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shotmatrix-fs-store-'));
      return {
        store: createObjectStore({ driver: 'fs', dir: path.join(dir, 'objects') }),
        close: () => fs.rm(dir, { recursive: true, force: true }),
      };
    },
  ],
  [
    's3 (s3rver on loopback)',
    async () => {
      const server = await startS3rver();
      const store = createObjectStore(server.config);
      return {
        store,
        close: async () => {
          (store as S3ObjectStore).destroy();
          await server.stop();
        },
      };
    },
  ],
];

describe.each(drivers)('ObjectStore contract: %s', (_name, open) => {
  let h: Harness;
  let work: string;
  // 300 kB spans several stream chunks, so ranges cross chunk boundaries.
  const payload = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7919) % 251));

  beforeAll(async () => {
    h = await open();
    work = await fs.mkdtemp(path.join(os.tmpdir(), 'shotmatrix-store-work-'));
    await h.store.ensureReady();
    await h.store.ensureReady(); // a second boot finds everything in place
    await h.store.putStream('fixtures/payload.mp4', payload);
  });
  afterAll(async () => {
    await h?.close();
    await fs.rm(work, { recursive: true, force: true });
  });

  it('puts a file and heads it', async () => {
    const src = path.join(work, 'in.mp4');
    await fs.writeFile(src, payload);
    await expect(h.store.putFile('masters/ab12.mp4', src)).resolves.toEqual({ size: payload.length, contentType: 'video/mp4' });
    await expect(h.store.head('masters/ab12.mp4')).resolves.toEqual({ size: payload.length, contentType: 'video/mp4' });
  });

  it('puts a stream of unknown length and a buffer', async () => {
    const stream = Readable.from([payload.subarray(0, 1000), payload.subarray(1000)]);
    await expect(h.store.putStream('renders/a/b/out.json', stream)).resolves.toMatchObject({ size: payload.length });
    const got = await h.store.getStream('renders/a/b/out.json');
    expect(got.contentType).toBe('application/json');
    expect((await readAll(got.body)).equals(payload)).toBe(true);

    await h.store.putStream('labels/x.png', Buffer.from('png!'));
    expect(await h.store.head('labels/x.png')).toEqual({ size: 4, contentType: 'image/png' });
  });

  it('overwrites an existing key', async () => {
    await h.store.putStream('labels/over.png', Buffer.from('first version'));
    await h.store.putStream('labels/over.png', Buffer.from('second'));
    expect((await readAll((await h.store.getStream('labels/over.png')).body)).toString()).toBe('second');
  });

  it('stores an empty object', async () => {
    await h.store.putStream('empty/zero.json', Buffer.alloc(0));
    expect(await h.store.head('empty/zero.json')).toMatchObject({ size: 0 });
    expect((await readAll((await h.store.getStream('empty/zero.json')).body)).length).toBe(0);
  });

  it.each([
    [{ start: 0, end: 0 }, 0, 0],
    [{ start: 0, end: 1 }, 0, 1],
    [{ start: 70_000, end: 200_000 }, 70_000, 200_000],
    [{ start: 299_990 }, 299_990, 299_999],
    [{ start: 299_000, end: 10_000_000 }, 299_000, 299_999],
  ])('serves range %j', async (range, start, end) => {
    const got = await h.store.getStream('fixtures/payload.mp4', range);
    expect(got.size).toBe(payload.length);
    expect(got.range).toEqual({ start, end });
    const bytes = await readAll(got.body);
    expect(bytes.equals(payload.subarray(start, end + 1))).toBe(true);
  });

  it('refuses a range past the end', async () => {
    await expect(h.store.getStream('fixtures/payload.mp4', { start: payload.length })).rejects.toMatchObject({
      code: 'RANGE_NOT_SATISFIABLE',
      kind: 'invalid',
    });
    await expect(h.store.getStream('fixtures/payload.mp4', { start: 10, end: 5 })).rejects.toMatchObject({
      code: 'RANGE_NOT_SATISFIABLE',
    });
  });

  it('downloads to a file, creating folders', async () => {
    const dest = path.join(work, 'deep', 'down', 'copy.mp4');
    await h.store.getToFile('fixtures/payload.mp4', dest);
    expect((await fs.readFile(dest)).equals(payload)).toBe(true);
    expect((await fs.readdir(path.dirname(dest))).filter((f) => f.endsWith('.part'))).toEqual([]);
  });

  it('reports a missing object as not-found', async () => {
    expect(await h.store.head('masters/nope.mp4')).toBeNull();
    const err = await h.store.getStream('masters/nope.mp4').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({ code: 'OBJECT_NOT_FOUND', kind: 'not-found', message: 'object masters/nope.mp4 does not exist' });
    await expect(h.store.getToFile('masters/nope.mp4', path.join(work, 'nope.mp4'))).rejects.toMatchObject({
      code: 'OBJECT_NOT_FOUND',
    });
    await expect(fs.stat(path.join(work, 'nope.mp4'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('deletes idempotently', async () => {
    await h.store.putStream('tmp/del.json', Buffer.from('{}'));
    await h.store.delete('tmp/del.json');
    expect(await h.store.head('tmp/del.json')).toBeNull();
    await expect(h.store.delete('tmp/del.json')).resolves.toBeUndefined();
    await expect(h.store.delete('never/was.json')).resolves.toBeUndefined();
  });

  it('validates keys before touching the store', async () => {
    await expect(h.store.putStream('../escape', Buffer.from('x'))).rejects.toMatchObject({ code: 'INVALID_OBJECT_KEY' });
    await expect(h.store.head('/abs')).rejects.toMatchObject({ code: 'INVALID_OBJECT_KEY' });
    await expect(h.store.getStream('a/../b')).rejects.toMatchObject({ code: 'INVALID_OBJECT_KEY' });
    await expect(h.store.delete('')).rejects.toMatchObject({ code: 'INVALID_OBJECT_KEY' });
  });

  it('leaves no object behind when the source stream fails', async () => {
    const failing = new Readable({
      read() {
        this.push(Buffer.alloc(64 * 1024, 1));
        this.destroy(new Error('upload connection reset'));
      },
    });
    await expect(h.store.putStream('masters/broken.mp4', failing)).rejects.toThrow('upload connection reset');
    expect(await h.store.head('masters/broken.mp4')).toBeNull();
  });

  it('streams a large body to a consumer that reads slowly', async () => {
    const got = await h.store.getStream('fixtures/payload.mp4', { start: 1 });
    const stream = got.body as Readable;
    stream.pause();
    await once(stream, 'readable');
    expect((await readAll(stream)).length).toBe(payload.length - 1);
  });
});
