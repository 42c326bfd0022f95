import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import * as path from 'node:path';
import type { ObjectStore } from '@shotmatrix/storage';

/**
 * Local copies of immutable, content-addressed objects (a master's mezzanine
 * and matte) for ffmpeg to seek in. Analysis keys never change content, so a
 * copy once made stays right; concurrent requests share one download.
 */
export class LocalCopies {
  private readonly inflight = new Map<string, Promise<string>>();

  constructor(
    private readonly store: ObjectStore,
    private readonly dir: string,
  ) {}

  get(key: string): Promise<string> {
    const target = path.join(this.dir, key.replace(/[^A-Za-z0-9._-]+/g, '_'));
    if (existsSync(target)) return Promise.resolve(target);
    let p = this.inflight.get(key);
    if (!p) {
      p = (async () => {
        await mkdir(this.dir, { recursive: true });
        const tmp = `${target}.${process.pid}.part`;
        try {
          await this.store.getToFile(key, tmp);
          await rename(tmp, target);
          return target;
        } catch (e) {
          await rm(tmp, { force: true });
          throw e;
        }
      })().finally(() => this.inflight.delete(key));
      this.inflight.set(key, p);
    }
    return p;
  }
}
