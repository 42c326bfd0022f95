import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { loadConfig, type AppConfig } from '@shotmatrix/config';
import { runMigrations } from '@shotmatrix/persistence';

/** The repository root, found from this file so tests can run from any cwd. */
export const REPO_ROOT = path.resolve(__dirname, '../../..');
/** Real footage shared beside the repository (never copied into it). */
export const SHARED_MEDIA = path.resolve(REPO_ROOT, '../shared/media');

/** The first admin every test API creates at boot (see AUTH_ADMIN_*). */
export const TEST_ADMIN = { email: 'admin@shotmatrix.test', password: 'test-admin-password' } as const;

/**
 * Signs in at `<origin>/api/auth/login` and returns a fetch that sends the
 * session cookie with every request (the API refuses anonymous calls).
 */
export async function signedInFetch(apiBase: string, who: { email: string; password: string } = TEST_ADMIN): Promise<typeof fetch> {
  const origin = new URL(apiBase).origin;
  const res = await fetch(`${origin}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: who.email, password: who.password }),
  });
  if (res.status !== 200) throw new Error(`signing in as ${who.email} failed: ${res.status} ${await res.text()}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
  return (input, init = {}) => {
    const headers = new Headers(init.headers);
    headers.set('cookie', cookie);
    return fetch(input, { ...init, headers });
  };
}

export interface TestEnv {
  config: AppConfig;
  databaseName: string;
  cleanup(): Promise<void>;
}

function adminUrl(): string {
  const url = process.env.SHOTMATRIX_TEST_PG_ADMIN_URL;
  if (!url) {
    throw new Error('SHOTMATRIX_TEST_PG_ADMIN_URL is not set: run the suite through `npm test`, which starts Postgres and Redis');
  }
  return url;
}

/**
 * A fresh, migrated database, a fresh queue prefix and a fresh object store
 * for one test file, against the real Postgres and Redis that `npm test`
 * started. Nothing is shared between test files.
 */
export async function createTestEnv(name: string): Promise<TestEnv> {
  const suffix = randomBytes(4).toString('hex');
  const databaseName = `t_${name.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${suffix}`;
  const admin = new Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${databaseName}"`);
  await admin.end();
  const dbUrl = new URL(adminUrl());
  dbUrl.pathname = `/${databaseName}`;
  await runMigrations(dbUrl.toString());

  const scratch = await mkdtemp(path.join(os.tmpdir(), `shotmatrix-${name}-`));
  const config = loadConfig(
    {
      DATABASE_URL: dbUrl.toString(),
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:63809',
      QUEUE_PREFIX: `test-${name}-${suffix}`,
      STORAGE_DIR: path.join(scratch, 'objects'),
      WORK_DIR: path.join(scratch, 'work'),
      TEMPLATES_DIR: path.join(REPO_ROOT, 'templates'),
      DASHBOARD_DIR: path.join(scratch, 'no-dashboard'),
      RENDER_ATTEMPTS: '3',
      AUTH_ADMIN_EMAIL: TEST_ADMIN.email,
      AUTH_ADMIN_PASSWORD: TEST_ADMIN.password,
      MEDIA_URL_SECRET: randomBytes(24).toString('hex'),
    },
    REPO_ROOT,
  );
  await mkdir(config.workDir, { recursive: true });
  return {
    config,
    databaseName,
    async cleanup() {
      await rm(scratch, { recursive: true, force: true });
      const c = new Client({ connectionString: adminUrl() });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`);
      await c.end();
    },
  };
}

/** Polls until `check` returns a value or the time runs out (for waiting on a worker). */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | null | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
