// Makes sure the Debian packages the stack shells out to are present
// (ffmpeg, PostgreSQL, Redis, fonts for label text, Chromium for e2e).
// Everything is checked first so a machine that has it all pays a few
// milliseconds, and apt runs at most once with every missing package.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { StackError, c, capture, isRoot, log, run, which } from './proc.mjs';

const PG_ROOT = '/usr/lib/postgresql';

/**
 * The newest installed PostgreSQL server's bin directory (Debian keeps server
 * binaries off PATH, one folder per major version), or null.
 */
export function pgBinDir() {
  let versions;
  try {
    versions = readdirSync(PG_ROOT).filter((v) => /^\d+(\.\d+)?$/.test(v));
  } catch {
    return null;
  }
  versions.sort((a, b) => Number(b) - Number(a));
  for (const v of versions) {
    const bin = join(PG_ROOT, v, 'bin');
    if (existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl'))) return bin;
  }
  return null;
}

/** Font families known to fontconfig (empty when fontconfig itself is missing). */
function fontFamilies() {
  if (!which('fc-list')) return null;
  const r = capture('fc-list', [':', 'family']);
  if (r.code !== 0) return new Set();
  return new Set(r.stdout.split('\n').flatMap((line) => line.split(',').map((f) => f.trim())).filter(Boolean));
}

/** Each check names the Debian package that satisfies it. */
function missingPackages({ browser }) {
  const missing = new Set();
  if (!which('ffmpeg') || !which('ffprobe')) missing.add('ffmpeg');
  if (!pgBinDir()) missing.add('postgresql');
  // redis-cli ships in redis-tools, which redis-server depends on.
  if (!which('redis-server') || !which('redis-cli')) missing.add('redis-server');
  // `runuser` lets us start Postgres as its own user when we are root.
  if (isRoot() && !which('runuser')) missing.add('util-linux');
  const families = fontFamilies();
  if (families === null) missing.add('fontconfig');
  const fams = families ?? new Set();
  // Latin/Greek/Cyrillic/Arabic/… come from fonts-noto-core, CJK from fonts-noto-cjk.
  if (!fams.has('Noto Sans')) missing.add('fonts-noto-core');
  if (![...fams].some((f) => f.startsWith('Noto Sans CJK'))) missing.add('fonts-noto-cjk');
  if (browser && !existsSync('/usr/bin/chromium')) missing.add('chromium');
  return [...missing];
}

let aptUpdated = false;

/**
 * Installs whatever of the stack's system packages is missing. As root it
 * runs apt itself; otherwise it stops with the exact command to run.
 */
export async function ensureSystemPackages({ browser = false } = {}) {
  const missing = missingPackages({ browser });
  if (missing.length === 0) return;

  const installArgs = ['install', '-y', '--no-install-recommends', ...missing];
  if (!isRoot()) {
    throw new StackError(
      `missing system packages: ${missing.join(', ')}.\n  Install them with:\n\n` +
        `    sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get ${installArgs.join(' ')}\n`,
    );
  }
  if (!which('apt-get')) {
    throw new StackError(`missing system packages: ${missing.join(', ')} — and apt-get is not available to install them`);
  }

  log(`installing system packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const prefix = c.dim('[apt]');
  if (!aptUpdated) {
    await run('apt-get', ['update'], { env, prefix });
    aptUpdated = true;
  }
  await run('apt-get', installArgs, { env, prefix });

  const still = missingPackages({ browser });
  if (still.length) throw new StackError(`apt-get finished but these are still missing: ${still.join(', ')}`);
}
