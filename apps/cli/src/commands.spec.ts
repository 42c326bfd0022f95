import { createHash } from 'node:crypto';
import type { CampaignView, StatusCounts } from '@shotmatrix/contracts';
import { ApiRefusal, type ApiClient } from './api-client';
import { parseArgs } from './args';
import { copyDeck, expand, follow, importFile, login, validate, type Io } from './commands';

const VALID = `name: Summer
markets:
  - { code: de, name: Germany, locale: de-DE, currency: EUR, copy: { price: 1.99 } }
  - { code: jp, name: Japan, locale: ja-JP, currency: JPY, copy: { price: 200 } }
labels: [{ code: classic, template: label-classic }]
backgrounds: [{ code: original }, { code: beach }]
aspects: [{ code: 16x9, ratio: "16:9" }, { code: 9x16, ratio: "9:16" }]
`;

function fakeIo(files: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const frames: string[][] = [];
  const io: Io = {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    redraw: (lines) => frames.push(lines),
    sleep: async () => undefined,
    readFile: async (f) => {
      if (!(f in files)) throw Object.assign(new Error(`ENOENT ${f}`), { code: 'ENOENT', path: f });
      return files[f];
    },
    writeFile: async (f, t) => void (files[f] = t),
  };
  return { io, out, err, frames, files };
}

type Call = { method: string; path: string; body?: string; type?: string; headers?: Record<string, string> };
function fakeApi(answer: (call: Call) => unknown) {
  const calls: Call[] = [];
  const api: ApiClient = {
    async request<T>(method: string, path: string, opts = {}) {
      const call = { method, path, ...opts };
      calls.push(call);
      return answer(call) as T;
    },
    async text(path: string) {
      calls.push({ method: 'GET', path });
      return answer({ method: 'GET', path }) as string;
    },
    lastSession: () => 'smx_session=abc',
  };
  return { api, calls };
}

const counts = (c: Partial<StatusCounts>): StatusCounts => ({ queued: 0, rendering: 0, done: 0, failed: 0, total: 0, ...c });
const view = (c: Partial<StatusCounts>, variants: Partial<CampaignView['variants'][number]>[] = []) =>
  ({ id: 'c1', name: 'Summer', version: 3, counts: counts(c), variants }) as unknown as CampaignView;

describe('validate', () => {
  it('prints the cell count of a valid file', async () => {
    const { io, out } = fakeIo({ 'summer.yaml': VALID });
    expect(await validate(parseArgs(['validate', 'summer.yaml'], {}), io)).toBe(0);
    expect(out).toEqual(['summer.yaml: valid — "Summer", 8 cells']);
  });

  it('prints every problem prefixed with the file, and exits 1', async () => {
    const bad = VALID.replace('price: 200', 'price: abc').replace('"9:16"', 'tall');
    const { io, err } = fakeIo({ 'summer.yaml': bad });
    expect(await validate(parseArgs(['validate', 'summer.yaml'], {}), io)).toBe(1);
    expect(err).toEqual(['summer.yaml: markets[1].copy.price: expected a number, got "abc"', 'summer.yaml: aspects[1].ratio: must look like 16:9']);
  });

  it('reads .json files as JSON and answers in JSON with --json', async () => {
    const { io, out } = fakeIo({ 'c.json': '{"name": "x",' });
    expect(await validate(parseArgs(['validate', 'c.json', '--json'], {}), io)).toBe(1);
    expect(JSON.parse(out[0])).toEqual({ ok: false, file: 'c.json', problems: ['line 1, column 14: the file ends too early'] });
  });
});

describe('import', () => {
  it('sends the file with its type and a content-derived Idempotency-Key, and prints the board URL', async () => {
    const { io, out } = fakeIo({ 'summer.yaml': VALID });
    const { api, calls } = fakeApi(() => view({}));
    expect(await importFile(parseArgs(['import', 'summer.yaml', '--api', 'http://h:1/'], {}), api, io)).toBe(0);
    expect(calls).toEqual([
      {
        method: 'POST',
        path: '/api/campaigns/import',
        body: VALID,
        type: 'application/yaml',
        headers: { 'idempotency-key': `import-${createHash('sha256').update(VALID).digest('hex')}` },
      },
    ]);
    expect(out).toEqual(['imported "Summer": c1\nboard: http://h:1/campaigns/c1']);
  });

  it('only asks the API to check the file with --dry-run', async () => {
    const { io } = fakeIo({ 'c.json': '{}' });
    const { api, calls } = fakeApi(() => ({ ok: true, cells: 8 }));
    await importFile(parseArgs(['import', 'c.json', '--dry-run'], {}), api, io);
    expect(calls[0]).toMatchObject({ path: '/api/campaigns/import?dryRun=true', type: 'application/json' });
    expect(calls[0].headers).toBeUndefined();
  });
});

describe('copy-deck', () => {
  it('bases the edit on the version it just read', async () => {
    const { io } = fakeIo({ 'deck.csv': 'market,price\nde,2.49\n' });
    const { api, calls } = fakeApi((c) => (c.method === 'GET' ? view({}) : { ...view({}), version: 4 }));
    expect(await copyDeck(parseArgs(['copy-deck', 'c1', 'deck.csv'], {}), api, io)).toBe(0);
    expect(calls[1]).toMatchObject({ method: 'POST', path: '/api/campaigns/c1/copy-deck', type: 'text/csv', body: 'market,price\nde,2.49\n', headers: { 'if-match': '"3"' } });
  });
});

describe('expand and follow', () => {
  it('prints the expansion, then follows until every variant is done', async () => {
    const { io, out, frames } = fakeIo();
    const polls = [view({ queued: 2, total: 2 }), view({ rendering: 1, done: 1, total: 2 }), view({ done: 2, total: 2 })];
    const { api } = fakeApi((c) => (c.method === 'POST' ? { ...view({}), expansion: { cells: 2, created: 2, changed: 0, queued: 2 } } : polls.shift()));
    expect(await expand(parseArgs(['expand', 'c1', '--follow'], {}), api, io)).toBe(0);
    expect(out).toEqual(['Summer: 2 cells — 2 new, 0 changed, 2 renders queued']);
    expect(frames.map((f) => f[0].replace(/ +\[/, ' ['))).toEqual([
      'Summer [........................] 0/2 done · 2 queued · 0 failed',
      'Summer [############............] 1/2 done · 1 rendering · 0 failed',
      'Summer [########################] 2/2 done · 0 failed',
    ]);
  });

  it('exits 3 and lists each failure with its reason', async () => {
    const { io, err } = fakeIo();
    const failed = { status: 'failed' as const, market: 'jp', label: 'classic', background: 'beach', coords: {}, error: 'analysis failed: no video stream' };
    const { api } = fakeApi(() => view({ done: 1, failed: 1, total: 2 }, [{ status: 'done' }, failed]));
    expect(await follow(parseArgs(['follow', 'c1'], {}), api, io)).toBe(3);
    expect(err).toEqual(['failed: Summer · market=jp label=classic background=beach: analysis failed: no video stream']);
  });

  it('passes an API refusal on to the caller (which maps it to exit 1)', async () => {
    const { io } = fakeIo();
    const { api } = fakeApi(() => {
      throw new ApiRefusal(404, { statusCode: 404, code: 'NOT_FOUND', message: 'no campaign c9' });
    });
    await expect(follow(parseArgs(['follow', 'c9'], {}), api, io)).rejects.toThrow('no campaign c9');
  });
});

describe('login', () => {
  it('signs in, asks for a token with the session and prints it as an export line', async () => {
    const { io, out, err } = fakeIo();
    const { api, calls } = fakeApi((c) =>
      c.path === '/api/auth/login' ? { email: 'p@x.com', role: 'producer' } : { token: 'smx_t_abc', expiresAt: '2027-02-23T00:00:00.000Z' },
    );
    const code = await login({ ...parseArgs(['login', '--email', 'p@x.com'], {}) }, api, io, 'secret password');
    expect(code).toBe(0);
    expect(JSON.parse(calls[0].body!)).toEqual({ email: 'p@x.com', password: 'secret password' });
    expect(calls[1]).toMatchObject({ path: '/api/auth/tokens', headers: { cookie: 'smx_session=abc' } });
    expect(calls[2]).toMatchObject({ method: 'POST', path: '/api/auth/logout', headers: { cookie: 'smx_session=abc' } });
    expect(out).toEqual(['export SHOTMATRIX_TOKEN=smx_t_abc']);
    expect(err.join('\n')).toMatch(/signed in as p@x.com \(producer\)/);
  });

  it('needs a password on stdin and an e-mail', async () => {
    const { io } = fakeIo();
    const { api } = fakeApi(() => ({}));
    await expect(login(parseArgs(['login', '--email', 'p@x.com'], {}), api, io, '')).rejects.toThrow(/reads the password from stdin/);
    expect(() => parseArgs(['login'], {})).toThrow(/login needs --email/);
  });
});
