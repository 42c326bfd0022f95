import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { REPO_ROOT, SHARED_MEDIA, signedInFetch, TEST_ADMIN, waitFor } from '@shotmatrix/testing';
import { freePort, startStack, type RunningStack } from './stack';

const CLIP = path.join(SHARED_MEDIA, 'clips/product_bottles_table_intel.mp4');

const CAMPAIGN = `shotmatrix: 1
name: CLI Summer
markets:
  - { code: de, name: Germany, locale: de-DE, currency: EUR, copy: { headline: Sommer-Frische, price: 1.99 } }
  - { code: fr, name: France, locale: fr-FR, currency: EUR, copy: { headline: Fraîcheur, price: 1.89 } }
labels:
  - { code: classic, template: label-classic }
backgrounds:
  - { code: original }
aspects:
  - { code: 16x9, ratio: "16:9" }
  - { code: 1x1, ratio: "1:1" }
`;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The API token `shotmatrix login` printed; every later run carries it as $SHOTMATRIX_TOKEN. */
let token = '';

/** Runs `shotmatrix …` the way a producer's script would: a separate process, judged by exit code and output. */
function cli(args: string[], api: string, opts: { stdin?: string; token?: string } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/shotmatrix.js'), ...args, '--api', api], {
      cwd: REPO_ROOT,
      env: { ...process.env, SHOTMATRIX_TOKEN: opts.token ?? token },
    });
    child.stdin.end(opts.stdin ?? '');
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('campaign matrices from the CLI, and an API crash between commit and enqueue (real processes)', () => {
  let stack: RunningStack;
  // Plain SQL to look behind the API: the e2e suite depends on no server code.
  let pg: Client;
  const db = { query: async (sql: string) => (await pg.query(sql)).rows };
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'shotmatrix-cli-'));
    // The API starts with its outbox relay off: whatever it commits, it never hands to Redis.
    stack = await startStack({ worker: false, apiEnv: { OUTBOX_RELAY: 'false' } });
    pg = new Client({ connectionString: stack.env.config.databaseUrl });
    await pg.connect();
    const login = await cli(['login', '--email', TEST_ADMIN.email, '--json'], stack.baseUrl, { stdin: `${TEST_ADMIN.password}\n` });
    expect(login.code).toBe(0);
    token = JSON.parse(login.stdout).token;
  });

  afterAll(async () => {
    await pg?.end();
    await stack?.stop();
  });

  it('validates, imports, exports and takes a copy deck, with exit codes scripts can rely on', async () => {
    const api = stack.baseUrl;
    // Without a token the API says so, and the CLI says how to get one.
    const anonymous = await cli(['follow', '00000000-0000-4000-8000-000000000000'], api, { token: '' });
    expect(anonymous.code).toBe(1);
    expect(anonymous.stderr).toContain('error: sign in first');
    expect(anonymous.stderr).toContain('shotmatrix login --email');
    const wrong = await cli(['login', '--email', TEST_ADMIN.email], api, { stdin: 'not the password\n', token: '' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('the e-mail address or password is wrong');

    await writeFile(path.join(dir, 'bad.yaml'), CAMPAIGN.replace('price: 1.89', 'price: abc'));
    const bad = await cli(['validate', path.join(dir, 'bad.yaml')], api);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('bad.yaml: markets[1].copy.price: expected a number, got "abc"');

    const file = path.join(dir, 'summer.yaml');
    await writeFile(file, CAMPAIGN);
    const ok = await cli(['validate', file], api);
    expect(ok).toMatchObject({ code: 0 });
    expect(ok.stdout).toContain('valid — "CLI Summer", 4 cells');

    const imported = await cli(['import', file, '--json'], api);
    expect(imported.code).toBe(0);
    const { id } = JSON.parse(imported.stdout);
    // Same file, same Idempotency-Key: the second import returns the first campaign.
    expect(JSON.parse((await cli(['import', file, '--json'], api)).stdout).id).toBe(id);
    expect(await db.query(`SELECT count(*)::int AS n FROM campaign`)).toEqual([{ n: 1 }]);

    const out = path.join(dir, 'exported.yaml');
    expect((await cli(['export', id, '-o', out], api)).code).toBe(0);
    expect(await readFile(out, 'utf8')).toMatch(/^shotmatrix: 1\nname: CLI Summer\n/);

    await writeFile(path.join(dir, 'deck.csv'), 'market,price\nfr,2.19\n');
    expect((await cli(['copy-deck', id, path.join(dir, 'deck.csv')], api)).code).toBe(0);
    await writeFile(path.join(dir, 'bad.csv'), 'market,price\nxx,2\n');
    const refused = await cli(['copy-deck', id, path.join(dir, 'bad.csv')], api);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('error: row 2: market "xx" is not in the matrix');

    expect((await cli(['frobnicate'], api)).code).toBe(2);
    expect((await cli(['follow', id], `http://127.0.0.1:${await freePort()}`)).code).toBe(4);
  });

  it('renders every variant exactly once after the API is killed between commit and enqueue', async () => {
    const api = stack.baseUrl;
    const [{ id }] = await db.query(`SELECT id FROM campaign LIMIT 1`);
    const form = new FormData();
    form.append('file', new Blob([await readFile(CLIP)]), 'bottles.mp4');
    const fetch = await signedInFetch(api);
    expect((await fetch(`${api}/api/campaigns/${id}/master`, { method: 'POST', body: form })).status).toBe(201);
    const expanded = await cli(['expand', id], api);
    expect(expanded.code).toBe(0);
    expect(expanded.stdout).toContain('4 cells — 4 new');
    const pending = await db.query(`SELECT queue, count(*)::int AS n FROM outbox WHERE published_at IS NULL GROUP BY queue ORDER BY queue`);
    expect(pending).toEqual([{ queue: 'analyze', n: 1 }]);

    await stack.crash('api');
    await stack.start('api');
    await stack.start('worker');
    const followed = await cli(['follow', id], api);
    expect(followed.stderr).toBe('');
    expect(followed.code).toBe(0);
    expect(followed.stdout).toMatch(/\[#+\] 4\/4 done · 0 failed/);

    const renders = await db.query(`SELECT status, attempts FROM render ORDER BY render_key`);
    expect(renders).toEqual(Array.from({ length: 4 }, () => ({ status: 'done', attempts: 1 })));
    await waitFor('the outbox to be empty', async () => (await db.query(`SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL`))[0].n === 0);
  });
});
