// Installs node_modules exactly from package-lock.json, and only when needed:
// `npm ci` wipes and reinstalls (~75 s, 1.3 GB), so it must not run on every start.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StackError, c, log, repoRoot, run } from './proc.mjs';

const lockPath = join(repoRoot, 'package-lock.json');
const modulesDir = join(repoRoot, 'node_modules');
const markerPath = join(modulesDir, '.shotmatrix-lock.sha256');

const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');

/**
 * True when npm's own record of the installed tree (node_modules/.package-lock.json,
 * written at the end of every install) has exactly the lock's versions. This
 * covers trees installed by hand with `npm install`/`npm ci`, which never
 * wrote our marker, so a developer's working tree is not reinstalled for nothing.
 */
function installedTreeMatchesLock(lock) {
  let hidden;
  try {
    hidden = JSON.parse(readFileSync(join(modulesDir, '.package-lock.json'), 'utf8')).packages ?? {};
  } catch {
    return false;
  }
  const wanted = lock.packages ?? {};
  for (const [key, entry] of Object.entries(wanted)) {
    if (key === '') continue; // the root project itself
    const got = hidden[key];
    // Platform-specific optional packages (e.g. other CPUs' binaries) are legitimately absent.
    if (!got) {
      if (entry.optional || entry.devOptional) continue;
      return false;
    }
    if (got.version !== entry.version) return false;
  }
  for (const key of Object.keys(hidden)) if (!(key in wanted)) return false;
  return true;
}

export async function ensureNodeModules() {
  if (!existsSync(lockPath)) throw new StackError('package-lock.json is missing; the install must be reproducible');
  const lockText = readFileSync(lockPath);
  const hash = sha256(lockText);

  if (existsSync(modulesDir)) {
    const marker = existsSync(markerPath) ? readFileSync(markerPath, 'utf8').trim() : null;
    if (marker === hash) return;
    let lock;
    try {
      lock = JSON.parse(lockText.toString('utf8'));
    } catch {
      throw new StackError('package-lock.json is not valid JSON (unresolved merge conflict?)');
    }
    if (installedTreeMatchesLock(lock)) {
      writeFileSync(markerPath, `${hash}\n`);
      return;
    }
    log('package-lock.json changed since the last install: running npm ci');
  } else {
    log('node_modules is missing: running npm ci');
  }

  const started = Date.now();
  // --no-audit/--no-fund: both phone home and only add noise; the lockfile is the contract.
  await run('npm', ['ci', '--no-audit', '--no-fund'], { prefix: c.dim('[npm]') });
  writeFileSync(markerPath, `${hash}\n`);
  log(`npm ci done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}
