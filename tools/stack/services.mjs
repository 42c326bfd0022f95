// Starts and stops the stack's local services — Debian's PostgreSQL and
// Redis on loopback with their data under .data/ — and the app processes.
// Each start* returns { url, stop() }; stop() is idempotent so shutdown paths
// can call it without bookkeeping.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chownSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { StackError, capture, colourFor, isRoot, log, pipeWithPrefix, repoRoot, run, warn } from './proc.mjs';
import { pgBinDir } from './system.mjs';

const PG_SUPERUSER = 'shotmatrix';

/** Resolves true when nothing listens on 127.0.0.1:port. */
export function portFree(port) {
  return new Promise((resolvePromise) => {
    const srv = createServer();
    srv.once('error', () => resolvePromise(false));
    srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => srv.close(() => resolvePromise(true)));
  });
}

function tail(path, lines = 20) {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

// ---------------------------------------------------------------- PostgreSQL

/** uid/gid of the `postgres` system user (created by Debian's postgresql package). */
function postgresIds() {
  const u = capture('id', ['-u', 'postgres']);
  const g = capture('id', ['-g', 'postgres']);
  if (u.code !== 0 || g.code !== 0) throw new StackError('the "postgres" system user is missing (is the postgresql package installed?)');
  return { uid: Number(u.stdout.trim()), gid: Number(g.stdout.trim()) };
}

/**
 * Postgres refuses to run as root, so as root every server-side command runs
 * as `postgres` via runuser; as anyone else it runs as that user directly.
 */
function pgCommand(bin, tool, args) {
  const exe = join(bin, tool);
  return isRoot() ? ['runuser', ['-u', 'postgres', '--', exe, ...args]] : [exe, args];
}

/**
 * The folder holding the cluster. As root it must be reachable by `postgres`;
 * a checkout under /root (mode 0700) is not, so the cluster then lives in
 * postgres' home and `.data/pg` becomes a symlink to it.
 */
function preparePgHome(wanted) {
  if (!isRoot()) {
    mkdirSync(wanted, { recursive: true });
    return wanted;
  }
  const { uid, gid } = postgresIds();
  const own = (p) => {
    mkdirSync(p, { recursive: true });
    if (statSync(p).uid !== uid) chownSync(p, uid, gid);
  };
  const reachable = (p) => capture('runuser', ['-u', 'postgres', '--', 'test', '-w', p, '-a', '-x', p]).code === 0;

  let isLink = false;
  try {
    isLink = !!readlinkSync(wanted);
  } catch {
    /* not a symlink */
  }
  if (!isLink) {
    own(wanted);
    if (reachable(wanted)) return wanted;
  }
  const fallback = join('/var/lib/postgresql/shotmatrix', createHash('sha1').update(wanted).digest('hex').slice(0, 12));
  own(dirname(fallback));
  own(fallback);
  if (!isLink) {
    if (readdirSync(wanted).length === 0) {
      rmSync(wanted, { recursive: true });
      symlinkSync(fallback, wanted);
      warn(`postgres cannot reach ${dirname(wanted)}; its cluster lives in ${fallback} (${wanted} links there)`);
    } else {
      warn(`postgres cannot reach ${wanted}; using ${fallback} instead`);
    }
  }
  return fallback;
}

/** Is `pid` a live postmaster serving `clusterDir`? (PIDs get reused after reboots and in containers.) */
function isPostmasterFor(pid, clusterDir) {
  try {
    if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'postgres') return false;
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    if (cmdline.includes(clusterDir)) return true;
    return realpathSync(`/proc/${pid}/cwd`) === realpathSync(clusterDir);
  } catch {
    return false;
  }
}

/**
 * Starts (or adopts) a PostgreSQL cluster under dataDir listening on
 * 127.0.0.1:port, and makes sure database dbName exists.
 * `fast` trades crash safety for speed — for the throw-away test cluster only.
 */
export async function startPostgres({ dataDir, port, dbName, fast = false }) {
  if (!/^[a-z_][a-z0-9_]*$/.test(dbName)) throw new StackError(`invalid database name "${dbName}"`);
  const bin = pgBinDir();
  if (!bin) throw new StackError('PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin');

  const home = preparePgHome(resolve(dataDir));
  const cluster = join(home, 'data');
  const sockDir = join(home, 'run');
  const logFile = join(home, 'postgres.log');
  const prefix = colourFor('postgres')('[postgres]');
  const pg = (tool, args, opts = {}) => {
    const [cmd, argv] = pgCommand(bin, tool, args);
    // cwd: postgres may not be allowed into the caller's working directory.
    return run(cmd, argv, { prefix, cwd: home, ...opts });
  };

  if (!existsSync(join(cluster, 'PG_VERSION'))) {
    // A half-made cluster (initdb interrupted) cannot be resumed.
    rmSync(cluster, { recursive: true, force: true });
    log(`creating a PostgreSQL cluster in ${cluster}`);
    // UTF8 regardless of the machine's locale (a bare Debian has none → SQL_ASCII), C collation.
    const [cmd, argv] = pgCommand(bin, 'initdb', ['-D', cluster, '-A', 'trust', '-U', PG_SUPERUSER, '-E', 'UTF8', '--no-locale']);
    // Its chatter only matters when it fails.
    const r = capture(cmd, argv, { cwd: home });
    if (r.code !== 0) throw new StackError(`initdb failed:\n${(r.stdout + r.stderr).trim()}`);
  }
  mkdirSync(sockDir, { recursive: true });
  if (isRoot()) {
    const { uid, gid } = postgresIds();
    if (statSync(sockDir).uid !== uid) chownSync(sockDir, uid, gid);
  }

  let adopted = false;
  const pidFile = join(cluster, 'postmaster.pid');
  if (existsSync(pidFile)) {
    const [pidLine, , , portLine] = readFileSync(pidFile, 'utf8').split('\n');
    const pid = Number(pidLine);
    if (pid > 0 && isPostmasterFor(pid, cluster)) {
      if (Number(portLine) === port) {
        adopted = true;
        log(`PostgreSQL already running on port ${port} (pid ${pid}); using it`);
      } else {
        log(`PostgreSQL for ${cluster} runs on port ${portLine}; restarting it on ${port}`);
        await pg('pg_ctl', ['-D', cluster, '-m', 'fast', '-w', 'stop']);
      }
    } else {
      // Left by a crash or kill -9; a reused PID owned by another user would make postgres refuse to start.
      warn(`removing stale ${pidFile} (pid ${pidLine} is not this cluster's postmaster)`);
      rmSync(pidFile, { force: true });
      // Its socket lock names the same dead pid; a not-yet-reaped zombie still passes
      // postgres' own kill(pid, 0) liveness test, so clear it here rather than wait.
      const sockLock = join(sockDir, `.s.PGSQL.${port}.lock`);
      if (existsSync(sockLock) && !isPostmasterFor(Number(readFileSync(sockLock, 'utf8').split('\n')[0]), cluster)) {
        rmSync(sockLock, { force: true });
        rmSync(join(sockDir, `.s.PGSQL.${port}`), { force: true });
      }
    }
  }

  if (!adopted) {
    if (!(await portFree(port))) {
      throw new StackError(
        `port ${port} on 127.0.0.1 is already in use by another program, so PostgreSQL cannot start there.\n` +
          `  Stop that program, or use an existing database with DATABASE_URL=postgres://…`,
      );
    }
    const opts = [`-k '${sockDir}'`, `-p ${port}`, `-c listen_addresses=127.0.0.1`, '-c max_connections=200'];
    if (fast) opts.push('-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off');
    const startArgs = ['-D', cluster, '-o', opts.join(' '), '-l', logFile, '-w', '-t', '60', 'start'];
    for (let attempt = 1; ; attempt++) {
      const code = await pg('pg_ctl', startArgs, { check: false });
      if (code === 0) break;
      // After a kill -9 the old backends take a moment to notice and release shared memory.
      if (attempt < 4 && /still in use|lock file .* already exists|could not bind/i.test(tail(logFile, 10))) {
        warn(`PostgreSQL did not start (attempt ${attempt}); retrying in ${attempt * 2} s`);
        await sleep(attempt * 2000);
        continue;
      }
      throw new StackError(`PostgreSQL failed to start; last lines of ${logFile}:\n${tail(logFile)}`);
    }
  }

  const client = (tool, args) =>
    capture(join(bin, tool), ['-h', '127.0.0.1', '-p', String(port), '-U', PG_SUPERUSER, ...args], {
      env: { ...process.env, PGCONNECT_TIMEOUT: '10' },
    });
  const exists = client('psql', ['-d', 'postgres', '-tAc', `SELECT 1 FROM pg_database WHERE datname='${dbName}'`]);
  if (exists.code !== 0) throw new StackError(`cannot query PostgreSQL on port ${port}: ${exists.stderr.trim()}`);
  if (exists.stdout.trim() !== '1') {
    const made = client('createdb', [dbName]);
    if (made.code !== 0) throw new StackError(`createdb ${dbName} failed: ${made.stderr.trim()}`);
    log(`created database ${dbName}`);
  }

  let stopped = null;
  return {
    url: `postgres://${PG_SUPERUSER}@127.0.0.1:${port}/${dbName}`,
    adminUrl: `postgres://${PG_SUPERUSER}@127.0.0.1:${port}/postgres`,
    dataDir: cluster,
    stop() {
      // -m fast: roll back open transactions instead of waiting for clients that are already gone.
      stopped ??= pg('pg_ctl', ['-D', cluster, '-m', 'fast', '-w', '-t', '60', 'stop'], { check: false }).then(() => undefined);
      return stopped;
    },
  };
}

// --------------------------------------------------------------------- Redis

function redisCli(port, args) {
  const r = capture('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 5000 });
  return { ...r, out: r.stdout.trim() };
}

/** Starts (or adopts) a Redis for BullMQ on 127.0.0.1:port with its AOF under dataDir. */
export async function startRedis({ dataDir, port }) {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const pidFile = join(dir, 'redis.pid');
  const logFile = join(dir, 'redis.log');

  let adopted = false;
  if (redisCli(port, ['ping']).out === 'PONG') {
    const cfg = redisCli(port, ['config', 'get', 'dir']).out.split('\n');
    if (cfg[1] && realpathSync(dir) === cfg[1]) {
      adopted = true;
      log(`Redis already running on port ${port}; using it`);
    } else {
      throw new StackError(
        `another Redis (data in ${cfg[1] ?? 'unknown'}) already listens on 127.0.0.1:${port}.\n` +
          `  Stop it, or use it deliberately with REDIS_URL=redis://127.0.0.1:${port}`,
      );
    }
  } else if (!(await portFree(port))) {
    throw new StackError(
      `port ${port} on 127.0.0.1 is already in use by another program, so Redis cannot start there.\n` +
        `  Stop that program, or use an existing Redis with REDIS_URL=redis://…`,
    );
  }

  if (!adopted) {
    rmSync(pidFile, { force: true }); // stale after a crash; redis would happily overwrite it, but we read it below
    const args = [
      '--bind', '127.0.0.1',
      '--port', String(port),
      '--dir', dir,
      // BullMQ requires noeviction: an evicted job key is a lost job.
      '--appendonly', 'yes',
      '--maxmemory-policy', 'noeviction',
      // The AOF is the durability story; periodic RDB snapshots would only add forks.
      '--save', '',
      '--daemonize', 'yes',
      '--pidfile', pidFile,
      '--logfile', logFile,
    ];
    await run('redis-server', args, { prefix: colourFor('redis')('[redis]') });
    const deadline = Date.now() + 15_000;
    while (redisCli(port, ['ping']).out !== 'PONG') {
      if (Date.now() > deadline) throw new StackError(`Redis did not answer on port ${port}; last lines of ${logFile}:\n${tail(logFile)}`);
      await sleep(100);
    }
  }

  let stopped = null;
  return {
    url: `redis://127.0.0.1:${port}`,
    stop() {
      stopped ??= (async () => {
        // NOSAVE skips the RDB dump; the AOF is still flushed on shutdown.
        redisCli(port, ['shutdown', 'nosave']);
        const deadline = Date.now() + 10_000;
        while (!(await portFree(port)) && Date.now() < deadline) await sleep(100);
      })();
      return stopped;
    },
  };
}

// ------------------------------------------------------------- app processes

/** Polls url until it answers 2xx; rejects after timeoutMs or when signal aborts. */
export async function waitForHttp(url, timeoutMs = 60_000, { signal } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (signal?.aborted) throw new StackError(`stopped waiting for ${url}: ${signal.reason?.message ?? signal.reason ?? 'aborted'}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = err.cause?.code ?? err.message;
    }
    await sleep(250);
  }
  throw new StackError(`${url} did not become ready within ${Math.round(timeoutMs / 1000)} s (last: ${last})`);
}

// Children run in their own process group so a terminal Ctrl-C reaches only
// us and we can stop them in order; this set lets a crash of ours still take them down.
const live = new Set();
process.on('exit', () => {
  for (const pid of live) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
});

/**
 * Spawns a long-running app process with its output prefixed `[name]`.
 * `exited` resolves with { code, signal } however it ends; stop() sends
 * SIGTERM and, after 10 s, SIGKILL to whatever of its process group is left.
 */
export function spawnService(name, cmd, args, env, { cwd = repoRoot, graceMs = 10_000 } = {}) {
  const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const prefix = colourFor(name)(`[${name}]`);
  pipeWithPrefix(child.stdout, prefix, process.stdout);
  pipeWithPrefix(child.stderr, prefix, process.stderr);
  if (child.pid) live.add(child.pid);

  const exited = new Promise((resolvePromise) => {
    child.once('error', (err) => resolvePromise({ code: null, signal: null, error: err }));
    child.once('exit', (code, signal) => resolvePromise({ code, signal }));
  }).then((r) => {
    // Reap grandchildren (ffmpeg, sandboxed processors) the process may have left behind.
    if (child.pid) {
      live.delete(child.pid);
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* none left */
      }
    }
    return r;
  });

  let stopping = null;
  return {
    name,
    child,
    exited,
    get stopping() {
      return stopping !== null;
    },
    stop() {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null || !child.pid) return exited;
        child.kill('SIGTERM');
        const timer = setTimeout(() => {
          warn(`${name} did not stop within ${graceMs / 1000} s; killing it`);
          try {
            process.kill(-child.pid, 'SIGKILL');
          } catch {
            /* gone meanwhile */
          }
        }, graceMs);
        const r = await exited;
        clearTimeout(timer);
        return r;
      })();
      return stopping;
    },
  };
}

export const describeExit = ({ code, signal, error }) =>
  error ? error.message : signal ? `killed by ${signal}` : `exit code ${code}`;

