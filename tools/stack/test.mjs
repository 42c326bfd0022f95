// `npm test`: everything CI checks, on a stack of its own (.data/test, other
// ports) so it never collides with a running `npm start`. Steps run in order
// and stop at the first failure; services are always shut down.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensureNodeModules } from './deps.mjs';
import { ensureModels } from './models.mjs';
import { StackError, c, exitWithError, log, repoRoot, run, tsRuntimeEnv, warn } from './proc.mjs';
import { startPostgres, startRedis } from './services.mjs';
import { ensureSystemPackages } from './system.mjs';

const PORTS = { postgres: 54339, redis: 63809 };
const bin = (name) => join(repoRoot, 'node_modules', '.bin', name);

const STEPS = [
  { name: 'lint + typecheck', cmd: bin('nx'), args: ['run-many', '-t', 'lint', 'typecheck', '--outputStyle=stream'] },
  { name: 'build dashboard', cmd: bin('nx'), args: ['build', 'dashboard'] },
  // --parallel=1: integration specs share one Postgres and Redis; serial keeps their timing honest.
  { name: 'unit + integration', cmd: bin('nx'), args: ['run-many', '-t', 'test', '--parallel=1', '--outputStyle=stream'] },
  { name: 'e2e', cmd: bin('jest'), args: ['--config', 'e2e/jest.config.js', '--runInBand'] },
];

const services = [];
let interrupted = false;
let current = null;

// Ctrl-C reaches the running step too (same process group); we only note it,
// let the step die, and then shut down and report.
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    if (interrupted) return;
    interrupted = true;
    warn(`${sig}: stopping after ${current ?? 'set-up'}`);
    if (!current) stopServices().then(() => process.exit(130));
  });
}

async function stopServices() {
  for (const s of services.splice(0).reverse()) {
    try {
      await s.stop();
    } catch (err) {
      warn(`stopping ${s.name} failed: ${err.message}`);
    }
  }
}

const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;

// Tests read real footage in place from ../shared/media (never copied into the repository).
function ensureSharedMedia() {
  const media = resolve(repoRoot, '..', 'shared', 'media');
  if (!existsSync(join(media, 'SOURCES.md'))) {
    throw new StackError(`the tests read real footage from ${media}, which is missing: check out shared/ beside the repository`);
  }
}

async function main() {
  const setupStart = Date.now();
  ensureSharedMedia();
  await ensureSystemPackages({ browser: true });
  await ensureNodeModules();
  await ensureModels();

  const env = {
    ...process.env,
    ...tsRuntimeEnv(),
  };
  if (process.env.DATABASE_URL) {
    log('using DATABASE_URL from the environment');
    if (!process.env.SHOTMATRIX_TEST_PG_ADMIN_URL) {
      const admin = new URL(process.env.DATABASE_URL);
      admin.pathname = '/postgres';
      env.SHOTMATRIX_TEST_PG_ADMIN_URL = admin.toString();
    }
  } else {
    // fast: fsync off — a crash loses only test data, and the suite runs noticeably quicker.
    const pg = await startPostgres({ dataDir: join(repoRoot, '.data', 'test', 'pg'), port: PORTS.postgres, dbName: 'shotmatrix_test', fast: true });
    services.push({ name: 'postgres', stop: pg.stop });
    env.DATABASE_URL = pg.url;
    env.SHOTMATRIX_TEST_PG_ADMIN_URL = pg.adminUrl;
  }
  if (process.env.REDIS_URL) {
    log('using REDIS_URL from the environment');
  } else {
    const redis = await startRedis({ dataDir: join(repoRoot, '.data', 'test', 'redis'), port: PORTS.redis });
    services.push({ name: 'redis', stop: redis.stop });
    env.REDIS_URL = redis.url;
  }
  const setupMs = Date.now() - setupStart;
  log(`test stack ready in ${secs(setupMs)}: ${env.DATABASE_URL}, ${env.REDIS_URL}`);

  const results = [];
  for (const step of STEPS) {
    if (interrupted || results.some((r) => r.status === 'failed')) {
      results.push({ ...step, status: 'skipped', ms: 0 });
      continue;
    }
    log(c.bold(`step: ${step.name}`) + c.dim(`  (${[step.cmd.replace(`${repoRoot}/`, ''), ...step.args].join(' ')})`));
    current = step.name;
    const started = Date.now();
    const code = await run(step.cmd, step.args, { inherit: true, check: false, env });
    current = null;
    const status = interrupted ? 'interrupted' : code === 0 ? 'passed' : 'failed';
    results.push({ ...step, status, ms: Date.now() - started });
    if (status === 'failed') console.error(`${c.red(c.bold('✖'))} ${step.name} failed (exit ${code})`);
  }

  await stopServices();

  const mark = { passed: c.green('✔'), failed: c.red('✖'), skipped: c.dim('-'), interrupted: c.yellow('!') };
  const width = Math.max(...STEPS.map((s) => s.name.length));
  console.log(`\n${c.bold('summary')}`);
  console.log(`  ${c.dim('·')} ${'set-up'.padEnd(width)}  ${secs(setupMs)}`);
  for (const r of results) {
    console.log(`  ${mark[r.status]} ${r.name.padEnd(width)}  ${r.status === 'skipped' ? c.dim('skipped') : r.status === 'passed' ? secs(r.ms) : `${secs(r.ms)}  ${r.status}`}`);
  }
  const count = (s) => results.filter((r) => r.status === s).length;
  const skipped = count('skipped');
  const line = `${count('passed')} passed, ${count('failed')} failed${skipped ? `, ${skipped} skipped` : ''}${interrupted ? ' (interrupted)' : ''}`;
  console.log(`\n${count('passed') === STEPS.length ? c.green(c.bold(line)) : c.red(c.bold(line))}`);
  process.exit(interrupted ? 130 : count('passed') === STEPS.length ? 0 : 1);
}

main().catch(async (err) => {
  await stopServices();
  if (interrupted && !(err instanceof StackError)) process.exit(130);
  exitWithError(err);
});
