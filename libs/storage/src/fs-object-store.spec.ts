import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { FsObjectStore } from './fs-object-store';

describe('FsObjectStore', () => {
  let dir: string;
  let store: FsObjectStore;

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shotmatrix-fs-'));
    store = new FsObjectStore(path.join(dir, 'objects'));
    await store.ensureReady();
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  it('lays objects out as files under the root', async () => {
    await store.putStream('masters/ab/cd.mp4', Buffer.from('video'));
    await expect(fs.readFile(path.join(dir, 'objects', 'masters', 'ab', 'cd.mp4'), 'utf8')).resolves.toBe('video');
  });

  it('never exposes a half-written object and cleans its temp file on failure', async () => {
    await store.putStream('masters/a.mp4', Buffer.from('complete old version'));
    let sent = 0;
    const failing = new Readable({
      read() {
        if (sent++ < 3) this.push(Buffer.alloc(1000, 2));
        else this.destroy(new Error('client went away'));
      },
    });
    await expect(store.putStream('masters/a.mp4', failing)).rejects.toThrow('client went away');
    // The previous version is intact, and nothing is left in the temp folder.
    await expect(fs.readFile(path.join(dir, 'objects', 'masters', 'a.mp4'), 'utf8')).resolves.toBe('complete old version');
    await expect(fs.readdir(path.join(dir, 'objects', '.tmp'))).resolves.toEqual([]);
  });

  it('treats a folder as no object', async () => {
    await store.putStream('masters/x/y.mp4', Buffer.from('v'));
    expect(await store.head('masters/x')).toBeNull();
  });

  it('fails putFile for a missing source without creating the key', async () => {
    await expect(store.putFile('masters/m.mp4', path.join(dir, 'missing.mp4'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await store.head('masters/m.mp4')).toBeNull();
  });
});
