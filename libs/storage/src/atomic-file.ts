import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';

/**
 * Fills a temporary file beside `filePath` and renames it into place, so a
 * download cut short never leaves a truncated file where a worker expects a
 * whole one.
 */
export async function writeFileAtomically(filePath: string, fill: (tmp: string) => Promise<unknown>): Promise<void> {
  await fs.mkdir(path.dirname(filePath), { recursive: true });
  const tmp = `${filePath}.${randomBytes(6).toString('hex')}.part`;
  try {
    await fill(tmp);
    await fs.rename(tmp, filePath);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
}
