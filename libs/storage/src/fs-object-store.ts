import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  assertValidKey,
  contentTypeForKey,
  objectNotFound,
  resolveRange,
  type ObjectBody,
  type ObjectRange,
  type ObjectStore,
  type StoredObject,
} from './object-store';
import { writeFileAtomically } from './atomic-file';

/**
 * Objects are plain files under `root`. Writes land in `root/.tmp` first and
 * are renamed into place (same filesystem, so the rename is atomic): a reader
 * never sees half an object, and a crash leaves only litter in `.tmp`.
 * Keys cannot start with ".", so `.tmp` never clashes with an object.
 */
export class FsObjectStore implements ObjectStore {
  readonly driver = 'fs' as const;
  private readonly tmpDir: string;

  constructor(private readonly root: string) {
    this.tmpDir = path.join(root, '.tmp');
  }

  async ensureReady(): Promise<void> {
    await fs.mkdir(this.tmpDir, { recursive: true });
  }

  // No content type parameter: the fs driver derives it from the key (see `contentTypeForKey`).
  async putFile(key: string, filePath: string): Promise<StoredObject> {
    return this.write(key, (tmp) => fs.copyFile(filePath, tmp));
  }

  async putStream(key: string, body: NodeJS.ReadableStream | Buffer): Promise<StoredObject> {
    return this.write(
      key,
      (tmp) => (Buffer.isBuffer(body) ? fs.writeFile(tmp, body) : pipeline(toReadable(body), createWriteStream(tmp))),
    );
  }

  async head(key: string): Promise<StoredObject | null> {
    assertValidKey(key);
    const stat = await statFile(this.pathOf(key));
    return stat ? { size: stat.size, contentType: contentTypeForKey(key) } : null;
  }

  async getStream(key: string, range?: ObjectRange): Promise<ObjectBody> {
    assertValidKey(key);
    const file = this.pathOf(key);
    // Open first so that a missing file is an error here rather than on the stream later.
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(file, 'r');
    } catch (e) {
      if (isNotFound(e)) throw objectNotFound(key);
      throw e;
    }
    try {
      const { size } = await handle.stat();
      const resolved = range ? resolveRange(key, range, size) : undefined;
      const body = createReadStream('', { fd: handle, start: resolved?.start, end: resolved?.end });
      return { body, size, contentType: contentTypeForKey(key), ...(resolved ? { range: resolved } : {}) };
    } catch (e) {
      await handle.close();
      throw e;
    }
  }

  async getToFile(key: string, filePath: string): Promise<void> {
    assertValidKey(key);
    try {
      await writeFileAtomically(filePath, (tmp) => fs.copyFile(this.pathOf(key), tmp));
    } catch (e) {
      if (isNotFound(e) && !(await statFile(this.pathOf(key)))) throw objectNotFound(key);
      throw e;
    }
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    await fs.rm(this.pathOf(key), { force: true });
  }

  private pathOf(key: string): string {
    return path.join(this.root, ...key.split('/'));
  }

  private async write(key: string, fill: (tmp: string) => Promise<unknown>): Promise<StoredObject> {
    assertValidKey(key);
    const target = this.pathOf(key);
    await fs.mkdir(this.tmpDir, { recursive: true });
    const tmp = path.join(this.tmpDir, `${randomBytes(8).toString('hex')}.part`);
    try {
      await fill(tmp);
      await fs.mkdir(path.dirname(target), { recursive: true });
      await fs.rename(tmp, target);
    } catch (e) {
      await fs.rm(tmp, { force: true });
      throw e;
    }
    const { size } = await fs.stat(target);
    // Types come from the key's extension: report what `head` will say later.
    return { size, contentType: contentTypeForKey(key) };
  }
}

export function toReadable(body: NodeJS.ReadableStream): Readable {
  return body instanceof Readable ? body : Readable.from(body as AsyncIterable<Buffer>);
}

export function isNotFound(e: unknown): boolean {
  return (e as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

async function statFile(file: string) {
  try {
    const stat = await fs.stat(file);
    return stat.isFile() ? stat : null;
  } catch (e) {
    if (isNotFound(e) || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return null;
    throw e;
  }
}
