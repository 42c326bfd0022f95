import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import * as path from 'node:path';
import { createTestEnv, REPO_ROOT, TEST_ADMIN, type TestEnv } from '@shotmatrix/testing';

export type ProcessName = 'api' | 'worker';

export interface RunningStack {
  baseUrl: string;
  env: TestEnv;
  logs: string[];
  /** Starts (again) one of the stack's processes, with extra environment. */
  start(name: ProcessName, extraEnv?: Record<string, string>): Promise<void>;
  /** Kills a process the hard way (no shutdown hooks), as a crash would. */
  crash(name: ProcessName): Promise<void>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

const ENTRY: Record<ProcessName, string> = { api: 'apps/api/src/main.ts', worker: 'apps/render-worker/src/main.ts' };

/**
 * Starts the real API (serving the built dashboard) and the real render
 * worker as separate processes against a fresh database and queue prefix.
 */
export async function startStack(opts: { worker?: boolean; apiEnv?: Record<string, string> } = {}): Promise<RunningStack> {
  const env = await createTestEnv('e2e');
  const port = await freePort();
  const storage = env.config.storage as { dir: string };
  const childEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: env.config.databaseUrl,
    REDIS_URL: env.config.redisUrl,
    QUEUE_PREFIX: env.config.queuePrefix,
    STORAGE: 'fs',
    STORAGE_DIR: storage.dir,
    WORK_DIR: env.config.workDir,
    DASHBOARD_DIR: path.join(REPO_ROOT, 'dist/apps/dashboard/browser'),
    AUTH_ADMIN_EMAIL: TEST_ADMIN.email,
    AUTH_ADMIN_PASSWORD: TEST_ADMIN.password,
    MEDIA_URL_SECRET: env.config.auth.mediaUrlSecret!,
  };
  const logs: string[] = [];
  const children = new Map<ProcessName, ChildProcess>();
  const baseUrl = `http://127.0.0.1:${port}`;

  const exited = (c: ChildProcess) =>
    new Promise<void>((resolve) => {
      if (c.exitCode !== null || c.signalCode !== null) return resolve();
      c.once('exit', () => resolve());
    });

  const start = async (name: ProcessName, extraEnv: Record<string, string> = {}) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', ENTRY[name]], {
      cwd: REPO_ROOT,
      env: { ...childEnv, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => logs.push(...chunk.toString().split('\n').filter(Boolean).map((l) => `[${name}] ${l}`));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    children.set(name, child);
    if (name !== 'api') return;
    const deadline = Date.now() + 60_000;
    for (;;) {
      const ok = await fetch(`${baseUrl}/api/health`).then((r) => r.ok).catch(() => false);
      if (ok) return;
      if (Date.now() > deadline || child.exitCode !== null) {
        child.kill('SIGKILL');
        throw new Error(`the API did not start:\n${logs.slice(-40).join('\n')}`);
      }
      await new Promise((r) => setTimeout(r, 300));
    }
  };

  await start('api', opts.apiEnv);
  if (opts.worker !== false) await start('worker');

  return {
    baseUrl,
    env,
    logs,
    start,
    async crash(name) {
      const c = children.get(name);
      if (!c) return;
      c.kill('SIGKILL');
      await exited(c);
      children.delete(name);
    },
    async stop() {
      await Promise.all(
        [...children.values()].map(async (c) => {
          const t = setTimeout(() => c.kill('SIGKILL'), 10_000);
          c.kill('SIGTERM');
          await exited(c);
          clearTimeout(t);
        }),
      );
      await env.cleanup();
    },
  };
}
