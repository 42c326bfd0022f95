// `npm run bench:board`: how long a campaign board of 1,000 variants takes to
// paint in Chromium. Seeds one campaign (10 markets × 10 labels × 10
// backgrounds, every render done with its own JPEG thumbnail and a QC report)
// straight into Postgres, starts the real API serving the built dashboard,
// and opens the campaign page at #board in Debian's Chromium: the clock runs from
// navigation start until the board grid says `data-painted="true"` and the
// next frame has been drawn. One warm-up, then 5 runs, each in a fresh browser
// context (empty cache, the one sign-in cookie); the last line is the median, the figure
// docs/benchmarks.md keeps.
// Self-contained: its own Postgres and Redis under .data/bench/board, its own
// database, media and API process; everything is stopped on exit, error,
// Ctrl-C or SIGTERM.
// The page-side helpers below run in Chromium.
/// <reference lib="dom" />
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { chromium, type Browser } from 'playwright-core';
import { runMigrations } from '@shotmatrix/persistence';
import { benchStack } from './bench-stack';

const ROOT = path.resolve(__dirname, '../..');
const CLIP = path.resolve(ROOT, '../shared/media/clips/product_bottles_table_intel.mp4');
const DASHBOARD = path.join(ROOT, 'dist/apps/dashboard/browser');
const DATA = path.join(ROOT, '.data/bench/board');
/** Preferred ports (apart from bench:expand's); the next free one is taken when something else listens there. */
const PORTS = { postgres: 54359, redis: 63829, api: 4389 };
const MARKETS = ['de', 'fr', 'it', 'es', 'gb', 'us', 'br', 'jp', 'kr', 'in'];
const LABELS = 10;
const BACKGROUNDS = 10;
const THUMBNAILS = 12;
const RUNS = 5;
const VIEWPORT = { width: 1440, height: 1000 };

const LOCALES: Record<string, [string, string]> = {
  de: ['de-DE', 'EUR'],
  fr: ['fr-FR', 'EUR'],
  it: ['it-IT', 'EUR'],
  es: ['es-ES', 'EUR'],
  gb: ['en-GB', 'GBP'],
  us: ['en-US', 'USD'],
  br: ['pt-BR', 'BRL'],
  jp: ['ja-JP', 'JPY'],
  kr: ['ko-KR', 'KRW'],
  in: ['hi-IN', 'INR'],
};

interface RunFigures {
  paintMs: number;
  attrMs: number;
  fcpMs: number | null;
  campaignJsonMs: number | null;
  tiles: number;
  thumbs: number;
  imageRequests: number;
  /** The renderer's main thread up to the paint, from CDP Performance.getMetrics (ms). */
  mainThread: { task: number; script: number; style: number; layout: number };
}

async function main(): Promise<void> {
  const { services, freePort, stops, stopAll } = await benchStack();
  mkdirSync(DATA, { recursive: true });
  let summary: string[];
  try {
    ensureDashboardBuilt();
    const pg = await services.startPostgres({ dataDir: path.join(DATA, 'pg'), port: await freePort(PORTS.postgres), dbName: 'bench', fast: true });
    stops.push(() => pg.stop());
    const redis = await services.startRedis({ dataDir: path.join(DATA, 'redis'), port: await freePort(PORTS.redis) });
    stops.push(() => redis.stop());
    summary = await run(pg.url, redis.url, await freePort(PORTS.api), stops);
  } finally {
    await stopAll();
  }
  // Printed after the services have stopped, so the figure is the very last line.
  for (const line of summary) console.log(line);
}

/** Builds the dashboard when there is no build, or when its sources changed since. */
function ensureDashboardBuilt(): void {
  const index = path.join(DASHBOARD, 'index.html');
  const newest = (dir: string): number =>
    Math.max(0, ...readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? newest(path.join(dir, e.name)) : statSync(path.join(dir, e.name)).mtimeMs)));
  if (existsSync(index) && statSync(index).mtimeMs >= newest(path.join(ROOT, 'apps/dashboard/src'))) return;
  console.log('building the dashboard (npx nx build dashboard)…');
  execFileSync('npx', ['--yes', 'nx', 'build', 'dashboard', '--outputStyle=stream'], { cwd: ROOT, stdio: 'inherit' });
}

async function run(pgUrl: string, redisUrl: string, apiPort: number, stops: Array<() => Promise<void>>): Promise<string[]> {
  // A fresh database each run, so the figures never depend on what an earlier run left.
  const dbUrl = new URL(pgUrl);
  dbUrl.pathname = '/bench_board';
  const admin = new Client({ connectionString: pgUrl });
  await admin.connect();
  await admin.query('DROP DATABASE IF EXISTS bench_board WITH (FORCE)');
  await admin.query('CREATE DATABASE bench_board');
  await admin.end();
  await runMigrations(dbUrl.toString());

  const objects = path.join(DATA, 'objects');
  rmSync(objects, { recursive: true, force: true });
  const campaignId = await seed(dbUrl.toString(), objects);

  const password = randomBytes(18).toString('base64url'); // 24 characters
  const email = 'bench@shotmatrix.local';
  const api = await startApi(apiPort, {
    DATABASE_URL: dbUrl.toString(),
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: `bench-board-${Date.now()}`,
    STORAGE: 'fs',
    STORAGE_DIR: objects,
    WORK_DIR: path.join(DATA, 'work'),
    DASHBOARD_DIR: DASHBOARD,
    RECONCILE_INTERVAL_MS: '3600000',
    AUTH_ADMIN_EMAIL: email,
    AUTH_ADMIN_PASSWORD: password,
    MEDIA_URL_SECRET: randomBytes(24).toString('hex'),
  });
  stops.push(() => api.stop());
  const base = `http://127.0.0.1:${apiPort}`;
  const cookie = await login(base, email, password);
  console.log('signed in as the bootstrap admin');

  // Baseline, same machine, same moment: the campaign's JSON fetched by Node, no browser.
  const headers: Record<string, string> = { cookie: `${cookie.name}=${cookie.value}` };
  let t = performance.now();
  const res = await fetch(`${base}/api/campaigns/${campaignId}`, { headers });
  const body = await res.text();
  const jsonMs = performance.now() - t;
  if (!res.ok) throw new Error(`GET /api/campaigns/${campaignId}: ${res.status} ${body.slice(0, 300)}`);
  const variants = (JSON.parse(body) as { variants: unknown[] }).variants.length;
  if (variants !== MARKETS.length * LABELS * BACKGROUNDS) throw new Error(`the API shows ${variants} variants, expected ${MARKETS.length * LABELS * BACKGROUNDS}`);
  t = performance.now();
  await fetch(`${base}/api/campaigns/${campaignId}`, { headers }).then((r) => r.text());
  console.log(`baseline: GET /api/campaigns/:id from Node (${variants} variants, ${(body.length / 1024).toFixed(0)} kB): first ${jsonMs.toFixed(0)} ms, then ${(performance.now() - t).toFixed(0)} ms`);

  const browser = await launchChromium();
  stops.push(() => browser.close());
  // `#board` jumps past the master and the 10-market matrix editor (about 3,000 px) so the grid is on screen.
  const url = `${base}/campaigns/${campaignId}#board`;
  const figures: RunFigures[] = [];
  for (let i = 0; i <= RUNS; i++) {
    const f = await measure(browser, url, base, cookie, i === RUNS ? path.join(DATA, 'board.png') : null);
    const label = i === 0 ? 'warm-up' : `run ${i}`;
    console.log(
      `${label}: board painted ${f.paintMs.toFixed(0)} ms (attribute set ${f.attrMs.toFixed(0)} ms; first contentful paint ${fmt(f.fcpMs)}; ` +
        `campaign JSON received ${fmt(f.campaignJsonMs)}; main thread busy ${f.mainThread.task.toFixed(0)} ms: script ${f.mainThread.script.toFixed(0)}, ` +
        `style ${f.mainThread.style.toFixed(0)}, layout ${f.mainThread.layout.toFixed(0)}); ` +
        `${f.tiles} of ${variants} tiles in the DOM, ${f.thumbs} thumbnails, ${f.imageRequests} image requests 1 s after paint`,
    );
    if (i > 0) figures.push(f);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const paint = median(figures.map((f) => f.paintMs));
  return [
    `machine: ${cpus().length} cores, Chromium ${browser.version()} headless, viewport ${VIEWPORT.width}×${VIEWPORT.height}; screenshot ${path.relative(ROOT, path.join(DATA, 'board.png'))}`,
    `runs: ${figures.map((f) => f.paintMs.toFixed(0)).join(', ')} ms (median ${paint.toFixed(0)}, min ${Math.min(...figures.map((f) => f.paintMs)).toFixed(0)}, max ${Math.max(...figures.map((f) => f.paintMs)).toFixed(0)})`,
    `board ${variants} variants first paint: ${paint.toFixed(0)} ms`,
  ];
}

const fmt = (ms: number | null) => (ms === null ? 'n/a' : `${ms.toFixed(0)} ms`);

/** One campaign, its master shot, and 1,000 done renders with thumbnails and QC, written with SQL. */
async function seed(dbUrl: string, objects: string): Promise<string> {
  const work = path.join(DATA, 'work');
  mkdirSync(work, { recursive: true });
  const probe = JSON.parse(
    execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height,r_frame_rate,nb_frames,codec_name:format=duration,size', '-of', 'json', CLIP], {
      encoding: 'utf8',
    }),
  ) as { streams: Array<{ width: number; height: number; r_frame_rate: string; nb_frames: string; codec_name: string }>; format: { duration: string; size: string } };
  const stream = probe.streams[0];
  const [num, den] = stream.r_frame_rate.split('/').map(Number);
  const sha = createHash('sha256').update(readFileSync(CLIP)).digest('hex');
  const masterKey = `masters/${sha}.mp4`;
  mkdirSync(path.join(objects, 'masters'), { recursive: true });
  copyFileSync(CLIP, path.join(objects, masterKey));

  // A dozen real 320×180 JPEGs from the clip; each render gets its own copy (its own URL), as real renders would.
  const thumbDir = path.join(work, 'thumbs');
  rmSync(thumbDir, { recursive: true, force: true });
  mkdirSync(thumbDir, { recursive: true });
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', CLIP, '-vf', 'fps=2,scale=320:180', '-frames:v', String(THUMBNAILS), '-q:v', '5', path.join(thumbDir, 't%02d.jpg')]);
  const thumbs = readdirSync(thumbDir).sort();
  const masterThumbKey = `masters/${sha}-thumb.jpg`;
  copyFileSync(path.join(thumbDir, thumbs[0]), path.join(objects, masterThumbKey));

  const markets = MARKETS.map((code) => ({
    code,
    name: new Intl.DisplayNames(['en'], { type: 'region' }).of(code.toUpperCase()) ?? code,
    locale: LOCALES[code][0],
    currency: LOCALES[code][1],
    copy: { headline: `Summer fresh (${code})`, price: 1.99, legal: 'Terms apply' },
  }));
  const labels = Array.from({ length: LABELS }, (_, i) => ({ code: `label-${i}`, name: `Label ${i}`, template: i % 2 ? 'label-badge' : 'label-classic', fields: {} }));
  const backgrounds = Array.from({ length: BACKGROUNDS }, (_, i) => ({ code: `bg-${i}`, name: `Background ${i}` }));
  const matrix = { defaults: {}, markets, labels, backgrounds };

  const db = new Client({ connectionString: dbUrl });
  await db.connect();
  try {
    await db.query('BEGIN');
    const [campaign] = (await db.query(`INSERT INTO campaign (name, matrix) VALUES ($1, $2) RETURNING id`, ['Bench board 1000', JSON.stringify(matrix)])).rows;
    const [master] = (
      await db.query(
        `INSERT INTO master_shot (campaign_id, filename, storage_key, thumbnail_key, sha256, size_bytes, width, height, fps_fraction, fps, frame_count, duration_s, has_audio, codec)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, false, $13) RETURNING id`,
        [
          campaign.id,
          path.basename(CLIP),
          masterKey,
          masterThumbKey,
          sha,
          Number(probe.format.size),
          stream.width,
          stream.height,
          stream.r_frame_rate,
          num / den,
          Number(stream.nb_frames),
          Number(probe.format.duration),
          stream.codec_name,
        ],
      )
    ).rows;

    const cells = markets.flatMap((m) => labels.flatMap((l) => backgrounds.map((b) => ({ market: m.code, label: l.code, background: b.code }))));
    const keys = cells.map((c) => createHash('sha256').update(`bench-board:${c.market}:${c.label}:${c.background}`).digest('hex'));
    keys.forEach((key, i) => {
      const dir = path.join(objects, 'variants', key);
      mkdirSync(dir, { recursive: true });
      copyFileSync(path.join(thumbDir, thumbs[i % thumbs.length]), path.join(dir, 'thumb.jpg'));
    });
    // One cell in eleven fails QC, so the board's filters have something to find.
    const qc = (i: number) => {
      const passed = i % 11 !== 5;
      return JSON.stringify({
        passed,
        measuredAt: new Date().toISOString(),
        heatmapKey: null,
        checks: [
          { name: 'frames', status: 'pass', detail: `${stream.nb_frames} frames rendered, the master has ${stream.nb_frames}`, value: Number(stream.nb_frames) },
          { name: 'fps', status: 'pass', detail: `${stream.r_frame_rate} fps, as the master` },
          { name: 'duration', status: 'pass', detail: `${Number(probe.format.duration).toFixed(3)} s, as the master` },
          passed
            ? { name: 'foreground-ssim', status: 'pass', detail: 'foreground SSIM vs the master 0.982 (at least 0.95)', value: 0.982, threshold: 0.95 }
            : { name: 'foreground-ssim', status: 'fail', detail: 'foreground SSIM vs the master 0.912 (at least 0.95)', value: 0.912, threshold: 0.95 },
          { name: 'lock-keyframes', status: 'not-checked', detail: 'no lock keyframes pinned' },
          { name: 'copy-ocr', status: 'pass', detail: '2 fields read back within 10 % CER (headline 0 %, price 0 %)' },
          { name: 'legal-line', status: 'pass', detail: 'legal line on screen 4.20 s (no minimum set)', value: 4.2 },
          { name: 'safe-areas', status: 'pass', detail: '2 overlay(s) inside the title-safe area' },
        ],
      });
    };
    await db.query(
      `INSERT INTO render (render_key, status, master_shot_id, params, output_key, thumbnail_key, frame_count, duration_s, outputs, qc, attempts, started_at, finished_at)
       SELECT k, 'done', $2, p::jsonb, o, th, $3, $4, jsonb_build_object('draft', o), q::jsonb, 1, now(), now()
       FROM unnest($1::text[], $5::text[], $6::text[], $7::text[], $8::text[]) AS t(k, p, o, th, q)`,
      [
        keys,
        master.id,
        Number(stream.nb_frames),
        Number(probe.format.duration),
        cells.map((c) => JSON.stringify({ masterShotId: master.id, cell: c })),
        keys.map(() => masterKey),
        keys.map((k) => `variants/${k}/thumb.jpg`),
        keys.map((_, i) => qc(i)),
      ],
    );
    await db.query(
      `INSERT INTO variant (campaign_id, cell_key, coords, market_code, label_code, background_code, render_key, params)
       SELECT $1, ck, co::jsonb, m, l, b, k, '{}'::jsonb
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) AS t(ck, co, m, l, b, k)`,
      [
        campaign.id,
        cells.map((c) => `market=${c.market};label=${c.label};background=${c.background}`),
        cells.map((c) => JSON.stringify(c)),
        cells.map((c) => c.market),
        cells.map((c) => c.label),
        cells.map((c) => c.background),
        keys,
      ],
    );
    await db.query('COMMIT');
    console.log(`seeded campaign ${campaign.id}: ${cells.length} variants (${markets.length} markets × ${LABELS} labels × ${BACKGROUNDS} backgrounds), ${cells.length} thumbnails`);
    return campaign.id as string;
  } catch (e) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    await db.end();
  }
}

interface ApiProcess {
  stop(): Promise<void>;
}

/** The real API as its own process (as e2e/src/stack.ts starts it), in its own process group. */
async function startApi(port: number, env: Record<string, string>): Promise<ApiProcess> {
  const logs: string[] = [];
  const child: ChildProcess = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/api/src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const keep = (chunk: Buffer) => logs.push(...chunk.toString().split('\n').filter(Boolean));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, signal);
    } catch {
      /* already gone */
    }
  };
  // Whatever ends this process, the API does not outlive it.
  const onExit = () => killGroup('SIGKILL');
  process.on('exit', onExit);
  let stopped: Promise<void> | undefined;
  const api: ApiProcess = {
    stop: () =>
      (stopped ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          killGroup('SIGTERM');
          const timer = setTimeout(() => killGroup('SIGKILL'), 10_000);
          await exited;
          clearTimeout(timer);
        }
        process.off('exit', onExit);
      })()),
  };
  const deadline = Date.now() + 90_000;
  for (;;) {
    const up = await fetch(`http://127.0.0.1:${port}/api/health`)
      .then((r) => r.ok)
      .catch(() => false);
    if (up) return api;
    if (Date.now() > deadline || child.exitCode !== null) {
      await api.stop();
      throw new Error(`the API did not start:\n${logs.slice(-40).join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** Signs in as the bootstrap admin. */
async function login(base: string, email: string, password: string): Promise<{ name: string; value: string }> {
  const res = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  if (!res.ok) throw new Error(`POST /api/auth/login: ${res.status} ${(await res.text()).slice(0, 300)}`);
  for (const header of res.headers.getSetCookie()) {
    const [pair] = header.split(';');
    const eq = pair.indexOf('=');
    if (pair.slice(0, eq).trim() === 'smx_session') return { name: 'smx_session', value: pair.slice(eq + 1).trim() };
  }
  throw new Error('POST /api/auth/login answered 200 without a smx_session cookie');
}

/** Debian's Chromium with the flags e2e/src/browser.ts uses (without the background-networking ones it floods the closed network). */
function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Installed before any page script: notes when the grid says it is painted, then when the next frame has been drawn. */
function watchBoard(): void {
  const w = window as unknown as { __board?: { attr: number; painted?: number } };
  const observer = new MutationObserver(() => {
    if (w.__board || !document.querySelector('[data-testid="board-grid"][data-painted="true"]')) return;
    w.__board = { attr: performance.now() };
    observer.disconnect();
    // rAF runs before the frame is drawn; a task queued from it runs after.
    requestAnimationFrame(() => setTimeout(() => (w.__board!.painted = performance.now()), 0));
  });
  observer.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-painted'] });
}

async function measure(browser: Browser, url: string, base: string, cookie: { name: string; value: string }, screenshot: string | null): Promise<RunFigures> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  try {
    await context.addCookies([{ ...cookie, url: base, httpOnly: true, sameSite: 'Lax' }]);
    await context.addInitScript(watchBoard);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    let imageRequests = 0;
    page.on('request', (r) => {
      if (r.resourceType() === 'image' && r.url().includes('/variants/')) imageRequests++;
    });
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    await page.goto(url, { waitUntil: 'commit' });
    await page
      .waitForFunction(() => (window as unknown as { __board?: { painted?: number } }).__board?.painted !== undefined, undefined, { timeout: 60_000, polling: 50 })
      .catch((e: Error) => {
        throw new Error(`the board never said it was painted (${e.message})${errors.length ? `; page errors: ${errors.join('; ')}` : ''}`);
      });
    const figures = await page.evaluate(() => {
      const b = (window as unknown as { __board: { attr: number; painted: number } }).__board;
      const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null;
      const json = performance
        .getEntriesByType('resource')
        .find((e) => /\/api\/campaigns\/[0-9a-f-]{36}$/.test(new URL(e.name).pathname)) as PerformanceResourceTiming | undefined;
      return {
        paintMs: b.painted,
        attrMs: b.attr,
        fcpMs: fcp,
        campaignJsonMs: json ? json.responseEnd : null,
        tiles: document.querySelectorAll('[data-testid="variant-tile"]').length,
        thumbs: document.querySelectorAll('[data-testid="variant-thumb"]').length,
      };
    });
    const { metrics } = await cdp.send('Performance.getMetrics');
    const metric = (name: string) => (metrics.find((m) => m.name === name)?.value ?? 0) * 1000;
    const mainThread = { task: metric('TaskDuration'), script: metric('ScriptDuration'), style: metric('RecalcStyleDuration'), layout: metric('LayoutDuration') };
    await page.waitForTimeout(1000);
    if (screenshot) await page.screenshot({ path: screenshot });
    if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    return { ...figures, imageRequests, mainThread };
  } finally {
    await context.close();
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});
