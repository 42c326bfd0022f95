import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import * as path from 'node:path';
import { createTestEnv, REPO_ROOT, type TestEnv } from '@shotmatrix/testing';

export interface RunningStack {
  baseUrl: string;
  env: TestEnv;
  logs: string[];
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/**
 * Starts the real API (serving the built dashboard) and the real render
 * worker as separate processes against a fresh database and queue prefix.
 */
export async function startStack(): Promise<RunningStack> {
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
  };
  const logs: string[] = [];
  const children: ChildProcess[] = [];
  const start = (name: string, entry: string) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', entry], { cwd: REPO_ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer) => logs.push(...chunk.toString().split('\n').filter(Boolean).map((l) => `[${name}] ${l}`));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    children.push(child);
  };
  start('api', 'apps/api/src/main.ts');
  start('worker', 'apps/render-worker/src/main.ts');
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ok = await fetch(`${baseUrl}/api/health`).then((r) => r.ok).catch(() => false);
    if (ok) break;
    if (Date.now() > deadline || children.some((c) => c.exitCode !== null)) {
      children.forEach((c) => c.kill('SIGKILL'));
      throw new Error(`the stack did not start:\n${logs.slice(-40).join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return {
    baseUrl,
    env,
    logs,
    async stop() {
      await Promise.all(
        children.map(
          (c) =>
            new Promise<void>((resolve) => {
              if (c.exitCode !== null) return resolve();
              const t = setTimeout(() => c.kill('SIGKILL'), 10_000);
              c.once('exit', () => {
                clearTimeout(t);
                resolve();
              });
              c.kill('SIGTERM');
            }),
        ),
      );
      await env.cleanup();
    },
  };
}
