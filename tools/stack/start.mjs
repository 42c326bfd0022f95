// `npm start`: brings up the whole product on this machine — system packages,
// node_modules, model weights, Postgres + Redis under .data/, the dashboard
// build, migrations, API and render worker — then creates the demo campaign
// and keeps everything running until Ctrl-C.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadCredentials } from './credentials.mjs';
import { ensureNodeModules } from './deps.mjs';
import { ensureModels } from './models.mjs';
import { StackError, c, exitWithError, log, repoRoot, run, tsRuntimeEnv, warn } from './proc.mjs';
import { describeExit, portFree, spawnService, startPostgres, startRedis, waitForHttp } from './services.mjs';
import { ensureSystemPackages } from './system.mjs';

const PORTS = { postgres: 54329, redis: 63799 };
const apiPort = Number(process.env.PORT ?? 4280);
const apiUrl = `http://127.0.0.1:${apiPort}`;
const data = (...p) => join(repoRoot, '.data', ...p);

// Everything started so far, stopped in reverse: worker, API, Redis, Postgres.
const running = [];
let shuttingDown = null;
const failure = new AbortController();

function shutdown(code, reason) {
  shuttingDown ??= (async () => {
    if (reason) console.error(`${c.red(c.bold('✖'))} ${reason}`);
    log('stopping…');
    for (const s of [...running].reverse()) {
      try {
        await s.stop();
      } catch (err) {
        warn(`stopping ${s.name} failed: ${err.message}`);
      }
    }
    log('stopped');
    process.exit(code);
  })();
  return shuttingDown;
}

process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));

/** An app process whose unexpected exit takes the whole stack down. */
function startApp(name, entry, env) {
  // -r @swc-node/register runs the TypeScript sources directly (see tsRuntimeEnv).
  const svc = spawnService(name, process.execPath, ['-r', '@swc-node/register', entry], env);
  running.push(svc);
  svc.exited.then((r) => {
    if (shuttingDown || svc.stopping) return;
    const reason = `${name} exited unexpectedly (${describeExit(r)})`;
    failure.abort(new Error(reason));
    shutdown(1, reason);
  });
  return svc;
}

async function main() {
  const t0 = Date.now();
  await ensureSystemPackages({ browser: false });
  await ensureNodeModules();
  await ensureModels();

  const env = {
    ...process.env,
    PORT: String(apiPort),
    STORAGE_DIR: process.env.STORAGE_DIR ?? data('objects'),
    ...tsRuntimeEnv(),
  };
  mkdirSync(data('objects'), { recursive: true });
  // Your own AUTH_ADMIN_* / MEDIA_URL_SECRET win; otherwise the ones made for this checkout.
  const creds = loadCredentials(data('credentials.json'));
  env.AUTH_ADMIN_EMAIL ??= creds.adminEmail;
  env.AUTH_ADMIN_PASSWORD ??= creds.adminPassword;
  env.MEDIA_URL_SECRET ??= creds.mediaUrlSecret;

  // An exported DATABASE_URL / REDIS_URL means "use mine": nothing is started for it.
  if (process.env.DATABASE_URL) {
    log('using DATABASE_URL from the environment');
  } else {
    const pg = await startPostgres({ dataDir: data('pg'), port: PORTS.postgres, dbName: 'shotmatrix' });
    running.push({ name: 'postgres', stop: pg.stop });
    env.DATABASE_URL = pg.url;
  }
  if (process.env.REDIS_URL) {
    log('using REDIS_URL from the environment');
  } else {
    const redis = await startRedis({ dataDir: data('redis'), port: PORTS.redis });
    running.push({ name: 'redis', stop: redis.stop });
    env.REDIS_URL = redis.url;
  }
  if (shuttingDown) return;

  // Nx's cache makes an unchanged rebuild take about a second, so always ask.
  if (existsSync(join(repoRoot, 'apps', 'dashboard', 'project.json'))) {
    log('building the dashboard');
    await run(join(repoRoot, 'node_modules', '.bin', 'nx'), ['build', 'dashboard'], { inherit: true, env });
  } else {
    warn('apps/dashboard does not exist yet; the board will not be served');
  }
  if (shuttingDown) return;

  log('running database migrations');
  await run(process.execPath, ['-r', '@swc-node/register', 'apps/api/src/migrate.ts'], { env, prefix: c.dim('[migrate]') });
  if (shuttingDown) return;

  if (!(await portFree(apiPort))) {
    throw new StackError(`port ${apiPort} on 127.0.0.1 is already in use (another npm start?); stop it or set PORT=…`);
  }
  // Started in this order so shutdown (reverse) stops the worker before the API.
  startApp('api', 'apps/api/src/main.ts', env);
  startApp('worker', 'apps/render-worker/src/main.ts', env);

  await waitForHttp(`${apiUrl}/api/health`, 120_000, { signal: failure.signal });
  log(`API ready at ${apiUrl} (${((Date.now() - t0) / 1000).toFixed(1)} s since start)`);

  const { runDemo } = await import('../demo/demo.mjs');
  let board = null;
  try {
    const r = await runDemo({
      apiUrl,
      log: (m) => log(`demo: ${m}`),
      admin: { email: env.AUTH_ADMIN_EMAIL, password: env.AUTH_ADMIN_PASSWORD },
      people: creds.people,
    });
    board = r.boardUrl;
    if (r.failures.length) warn(`demo: ${r.failures.length} of ${r.counts.total} variants failed (see above and on the board)`);
    else log(`demo: all ${r.counts.total} variants rendered`);
  } catch (err) {
    if (shuttingDown) return;
    // Keep the stack up: the API and board are still useful for finding out why.
    warn(`demo failed: ${err.message}`);
  }

  const rule = c.dim('─'.repeat(64));
  console.log(`\n${rule}`);
  if (board) console.log(`  ${c.bold('Board:')} ${c.cyan(board)}`);
  console.log(`  ${c.bold('API docs:')} ${c.cyan(`${apiUrl}/api/docs`)}`);
  console.log(`  ${c.bold('Sign in:')} ${env.AUTH_ADMIN_EMAIL} / ${env.AUTH_ADMIN_PASSWORD === creds.adminPassword ? env.AUTH_ADMIN_PASSWORD : '(your AUTH_ADMIN_PASSWORD)'}`);
  console.log(`  ${c.dim(`demo people (producer, brand managers for de and jp, ops, viewer): passwords in .data/credentials.json`)}`);
  console.log(`  Ctrl-C stops everything (data stays in .data/).`);
  console.log(`${rule}\n`);
  // From here on the children's pipes keep the event loop alive; signals end it.
}

main().catch((err) => {
  if (shuttingDown) return;
  if (running.length === 0) exitWithError(err);
  shutdown(1, err instanceof StackError ? err.message : (err.stack ?? String(err)));
});
