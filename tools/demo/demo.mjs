// Creates the demo campaign through the public HTTP API — exactly what a
// producer's client would do — and follows its renders to the end.
//
//   node tools/demo/demo.mjs [--api http://127.0.0.1:4280]
//
// The master is $MASTER when given, otherwise a synthetic product shot
// generated here (no footage lives in the repository). `npm start` imports
// runDemo() after the stack is up.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openAsBlob, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DEMO_PEOPLE } from '../stack/credentials.mjs';
import { tsRuntimeEnv } from '../stack/proc.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const demoDir = join(repoRoot, '.data', 'demo');

export const DEMO_CAMPAIGN_NAME = 'Demo — Summer Refresh';

/** An API answer that was not 2xx; carries the API's own error code and message. */
export class ApiError extends Error {
  constructor(method, path, status, body) {
    const code = body?.code ? ` ${body.code}` : '';
    super(`${method} ${path} → HTTP ${status}${code}: ${body?.message ?? 'no message'}`);
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
  }
}

function runQuiet(cmd, args, { env } = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { cwd: repoRoot, env: env ?? process.env, stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolvePromise() : reject(new Error(`${cmd} ${args.join(' ')} failed (exit ${code}):\n${stderr.trim().split('\n').slice(-15).join('\n')}`)),
    );
  });
}

/**
 * The synthetic master: the `demo-scene` template rasterised and filmed by a
 * moving virtual camera (see make-synthetic-master.ts, which uses the media
 * and templating libs). Cached; delete .data/demo to regenerate.
 */
async function ensureSyntheticMaster(log) {
  const out = join(demoDir, 'synthetic-master.mp4');
  if (existsSync(out)) return out;
  log('generating the synthetic master shot (960×540, 25 fps, 5 s)…');
  mkdirSync(demoDir, { recursive: true });
  await runQuiet(process.execPath, ['-r', '@swc-node/register', join(repoRoot, 'tools', 'demo', 'make-synthetic-master.ts'), out], {
    env: { ...process.env, ...tsRuntimeEnv() },
  });
  if (!existsSync(out)) throw new Error(`make-synthetic-master.ts finished without writing ${out}`);
  return out;
}

// Two vertical three-stop gradients with a faint grid, so the camera move
// applied to a plate is visible in the renders.
const PLATES = [
  { code: 'sunset', file: 'plate-sunset.jpg', colours: ['0x2b1055', '0xd53369', '0xff9a44'] },
  { code: 'ocean', file: 'plate-ocean.jpg', colours: ['0x0b1d3a', '0x1f6f8b', '0x8fd3e8'] },
];

/**
 * Market grades for the demo, computed here (the shared LUTs stay out of the
 * repository): a warm one for Germany and a cool one for Japan, as .cube files
 * with red varying fastest.
 */
const GRADES = {
  warm: ([r, g, b]) => [Math.min(1, r * 1.08 + 0.02), Math.min(1, g * 1.01 + 0.01), b * 0.86],
  cool: ([r, g, b]) => [r * 0.9, Math.min(1, g * 1.0 + 0.01), Math.min(1, b * 1.08 + 0.03)],
};

function writeGrade(name) {
  const size = 9;
  const rows = [`TITLE "demo ${name}"`, `LUT_3D_SIZE ${size}`];
  for (let b = 0; b < size; b++)
    for (let g = 0; g < size; g++)
      for (let r = 0; r < size; r++) rows.push(GRADES[name]([r, g, b].map((v) => v / (size - 1))).map((v) => v.toFixed(5)).join(' '));
  mkdirSync(demoDir, { recursive: true });
  const file = join(demoDir, `grade-${name}.cube`);
  writeFileSync(file, `${rows.join('\n')}\n`);
  return file;
}

async function ensurePlate(plate, log) {
  const out = join(demoDir, plate.file);
  if (existsSync(out)) return out;
  log(`generating background plate "${plate.code}"…`);
  mkdirSync(demoDir, { recursive: true });
  const [c0, c1, c2] = plate.colours;
  const partial = join(demoDir, `.partial-${plate.file}`);
  const ffmpeg = process.env.FFMPEG_PATH ?? 'ffmpeg';
  await runQuiet(ffmpeg, [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi',
    '-i', `gradients=s=1920x1080:c0=${c0}:c1=${c1}:c2=${c2}:nb_colors=3:x0=0:y0=0:x1=0:y1=1080:seed=1:duration=1`,
    '-vf', 'drawgrid=w=160:h=160:t=2:c=white@0.12',
    '-frames:v', '1', '-q:v', '3', '-f', 'image2', partial,
  ]);
  renameSync(partial, out); // only complete files count as cached
  return out;
}

function makeApi(apiUrl) {
  const base = apiUrl.replace(/\/+$/, '');
  let cookie = null;
  const api = async function api(method, path, { json, form, headers = {} } = {}) {
    const init = { method, headers: { accept: 'application/json', ...(cookie ? { cookie } : {}), ...headers } };
    if (json !== undefined) {
      init.body = JSON.stringify(json);
      init.headers['content-type'] = 'application/json';
    } else if (form) init.body = form;
    let res;
    try {
      res = await fetch(`${base}${path}`, init);
    } catch (err) {
      throw new Error(`${method} ${path}: cannot reach the API at ${base} (${err.cause?.code ?? err.message})`);
    }
    const text = await res.text();
    let body = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = { message: text.slice(0, 300) };
    }
    if (!res.ok) throw new ApiError(method, path, res.status, body);
    // Signing in (or accepting an invitation) hands out the session every later call carries.
    const set = res.headers.get('set-cookie');
    if (set?.startsWith('smx_session=')) cookie = set.split(';')[0];
    return body;
  };
  return api;
}

/** Invites the demo's people (once) so each board can be tried as that person; existing accounts are left alone. */
async function ensurePeople(apiUrl, adminApi, people, log) {
  const existing = new Set((await adminApi('GET', '/api/accounts')).map((a) => a.email));
  let made = 0;
  for (const p of DEMO_PEOPLE) {
    if (existing.has(p.email) || !people[p.email]) continue;
    const inv = await adminApi('POST', '/api/accounts/invitations', { json: { email: p.email, role: p.role, markets: p.markets } });
    // Accepted with a separate client: its session must not replace the admin's.
    await makeApi(apiUrl)('POST', '/api/auth/invitations/accept', { json: { token: inv.token, name: p.name, password: people[p.email] } });
    made += 1;
  }
  if (made) log(`invited and signed up ${made} demo people (producer, brand managers for de and jp, ops, viewer)`);
}

const MIME = { '.mp4': 'video/mp4', '.mov': 'video/quicktime', '.mkv': 'video/x-matroska', '.webm': 'video/webm', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png' };

async function fileForm(path) {
  const form = new FormData();
  // openAsBlob streams from disk: a multi-GB master is never read into memory.
  const blob = await openAsBlob(path, { type: MIME[extname(path).toLowerCase()] ?? 'application/octet-stream' });
  form.append('file', blob, basename(path));
  return form;
}

/** `[#####.....] 9/18 done, 0 failed` */
function progressLine(counts, width = 20) {
  const finished = counts.total ? (counts.done + counts.failed) / counts.total : 0;
  const filled = Math.round(finished * width);
  const extra = counts.rendering ? `, ${counts.rendering} rendering` : '';
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${counts.done}/${counts.total} done, ${counts.failed} failed${extra}`;
}

/**
 * Builds the demo campaign and waits for every variant.
 * Resolves { campaignId, boardUrl, counts, failures }; rejects on API errors.
 */
export async function runDemo({
  apiUrl = 'http://127.0.0.1:4280',
  master = process.env.MASTER,
  out = process.stdout,
  log = (m) => out.write(`${m}\n`),
  pollMs = 1000,
  stallTimeoutMs = 10 * 60_000,
  admin = { email: process.env.AUTH_ADMIN_EMAIL, password: process.env.AUTH_ADMIN_PASSWORD },
  people = {},
} = {}) {
  const api = makeApi(apiUrl);
  if (!admin.email || !admin.password) throw new Error('sign-in needed: pass the admin as AUTH_ADMIN_EMAIL / AUTH_ADMIN_PASSWORD (npm start does)');
  await api('POST', '/api/auth/login', { json: admin });
  await ensurePeople(apiUrl, api, people, log);

  let masterPath;
  if (master) {
    masterPath = resolve(master);
    if (!existsSync(masterPath)) throw new Error(`MASTER=${master}: no such file`);
    log(`using your master shot ${masterPath}`);
  } else {
    masterPath = await ensureSyntheticMaster(log);
  }
  const platePaths = [];
  for (const p of PLATES) platePaths.push(await ensurePlate(p, log));

  const campaign = await api('POST', '/api/campaigns', { json: { name: DEMO_CAMPAIGN_NAME } });
  const id = campaign.id;
  const boardUrl = `${apiUrl.replace(/\/+$/, '')}/campaigns/${id}`;
  log(`created campaign "${DEMO_CAMPAIGN_NAME}" (${id})`);

  log(`uploading master ${basename(masterPath)}…`);
  await api('POST', `/api/campaigns/${id}/master`, { form: await fileForm(masterPath) });

  const plateIds = {};
  for (const [i, p] of PLATES.entries()) {
    const plate = await api('POST', `/api/campaigns/${id}/plates`, { form: await fileForm(platePaths[i]) });
    plateIds[p.code] = plate.id;
  }
  log(`uploaded ${PLATES.length} background plates`);
  for (const name of Object.keys(GRADES)) {
    await api('POST', `/api/campaigns/${id}/luts?name=${name}`, { form: await fileForm(writeGrade(name)) });
  }
  log(`uploaded market grades: ${Object.keys(GRADES).join(', ')}`);

  // A timing mark on the master: the tagline super comes off there, while the legal line stays on.
  const keyframes = await api('GET', `/api/campaigns/${id}/master/keyframes`);
  await api('PUT', `/api/campaigns/${id}/master/keyframes`, {
    headers: { 'if-match': `"${keyframes.version}"` },
    json: { keyframes: [...keyframes.keyframes, { kind: 'mark', frame: 75, name: 'tagline-off' }] },
  });

  await api('PUT', `/api/campaigns/${id}/matrix`, {
    // Edits name the campaign version they are based on.
    headers: { 'if-match': `"${campaign.version}"` },
    json: {
      markets: [
        {
          code: 'de', name: 'Germany', locale: 'de-DE', currency: 'EUR', lut: 'warm',
          copy: { headline: 'Sommer-Frische', price: 1.99, tagline: 'Gemacht für den Sommer', legal: 'Nur solange der Vorrat reicht. Unverbindliche Preisempfehlung.' },
        },
        {
          code: 'jp', name: 'Japan', locale: 'ja-JP', currency: 'JPY', lut: 'cool',
          copy: { headline: '夏のさわやかさ', price: 200, tagline: '夏のための一本', legal: '数量限定。価格はメーカー希望小売価格です。' },
        },
        {
          code: 'fr', name: 'France', locale: 'fr-FR', currency: 'EUR',
          copy: { headline: 'Fraîcheur d’été', price: 1.89, tagline: 'Fait pour l’été', legal: 'Dans la limite des stocks disponibles.' },
        },
      ],
      // Every cell: the tagline super until the mark, the legal line for the whole shot (QC wants 3 s of it).
      defaults: {
        params: {
          supers: [
            { template: 'super-tagline', to: 'tagline-off' },
            { template: 'legal-line', role: 'legal' },
          ],
          legalMinSeconds: 3,
        },
      },
      labels: [
        { code: 'classic', template: 'label-classic' },
        { code: 'badge', template: 'label-badge' },
      ],
      backgrounds: [{ code: 'original' }, { code: 'sunset', plateId: plateIds.sunset }, { code: 'ocean', plateId: plateIds.ocean }],
    },
  });
  await api('POST', `/api/campaigns/${id}/expand`);

  // Follow the renders. On a terminal the bar redraws in place; in logs
  // (CI, piped output) each change is its own line.
  const tty = Boolean(out.isTTY);
  let lastLine = '';
  let lastChange = Date.now();
  let view;
  for (;;) {
    view = await api('GET', `/api/campaigns/${id}`);
    const counts = view.counts;
    const line = progressLine(counts);
    if (line !== lastLine) {
      lastChange = Date.now();
      if (tty) out.write(`\r\x1b[2K${line}`);
      else out.write(`${line}\n`);
      lastLine = line;
    }
    if (counts.total > 0 && counts.done + counts.failed === counts.total) break;
    if (Date.now() - lastChange > stallTimeoutMs) {
      if (tty) out.write('\n');
      throw new Error(`no render progress for ${Math.round(stallTimeoutMs / 60_000)} min (${line}); is the render worker running?`);
    }
    await sleep(pollMs);
  }
  if (tty) out.write('\n');

  const failures = view.variants.filter((v) => v.status === 'failed');
  for (const v of failures) log(`  ✖ ${v.market} / ${v.label} / ${v.background}: ${v.error ?? 'no error recorded'}`);
  return { campaignId: id, boardUrl, counts: view.counts, failures };
}

async function main() {
  const i = process.argv.indexOf('--api');
  const apiUrl = i > 0 ? process.argv[i + 1] : `http://127.0.0.1:${process.env.PORT ?? 4280}`;
  try {
    const r = await runDemo({ apiUrl });
    console.log(`Board: ${r.boardUrl}`);
    if (r.failures.length) {
      console.error(`${r.failures.length} of ${r.counts.total} variants failed`);
      process.exit(1);
    }
  } catch (err) {
    console.error(`demo failed: ${err.message}`);
    process.exit(1);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
