import { execFileSync } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import * as path from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { DataSource } from 'typeorm';
import type { CampaignView, MatrixInput } from '@shotmatrix/contracts';
import { mediaSigner } from '@shotmatrix/auth';
import { dataSourceOptions } from '@shotmatrix/persistence';
import { createTestEnv, SHARED_MEDIA, signedInFetch, waitFor, type TestEnv } from '@shotmatrix/testing';
import { createApiApp } from '../bootstrap';

const CLIP = path.join(SHARED_MEDIA, 'clips/product_bottles_table_intel.mp4');
const PLATE = path.join(SHARED_MEDIA, 'plates/mountains_lake_sherburne_budgie.jpg');

describe('campaign API (real Postgres, Redis, ffprobe)', () => {
  let env: TestEnv;
  let app: NestExpressApplication;
  let base: string;
  /** The API refuses anonymous calls: every request in this file goes out signed in as the test admin. */
  let fetch!: typeof globalThis.fetch;
  let db: DataSource;

  beforeAll(async () => {
    env = await createTestEnv('api');
    app = await createApiApp(env.config, { logger: false });
    await app.listen(0, '127.0.0.1');
    base = `${await app.getUrl()}/api`.replace('[::1]', '127.0.0.1');
    fetch = await signedInFetch(base);
    db = await new DataSource(dataSourceOptions(env.config.databaseUrl)).initialize();
  });

  afterAll(async () => {
    await app?.close();
    await db?.destroy();
    await env?.cleanup();
  });

  const json = async (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base}${url}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  /** PUT /matrix with the version the campaign has now. */
  const putMatrix = async (id: string, m: unknown) => {
    const version = (await json('GET', `/campaigns/${id}`)).body.version;
    return json('PUT', `/campaigns/${id}/matrix`, m, { 'if-match': `"${version}"` });
  };
  const upload = async (url: string, file: string | Buffer, filename: string) => {
    const form = new FormData();
    const bytes = typeof file === 'string' ? await readFile(file) : file;
    form.append('file', new Blob([bytes]), filename);
    const res = await fetch(`${base}${url}`, { method: 'POST', body: form });
    return { status: res.status, body: (await res.json()) as any };
  };
  const count = async (table: string) => Number((await db.query(`SELECT count(*) AS n FROM ${table}`))[0].n);
  const storedObjects = async () => {
    const dir = (env.config.storage as { dir: string }).dir;
    const walk = async (d: string): Promise<string[]> => {
      const entries = await readdir(d, { withFileTypes: true }).catch(() => []);
      const nested = await Promise.all(entries.map((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)])));
      return nested.flat();
    };
    return walk(dir);
  };

  const matrix = (plateId?: string): MatrixInput => ({
    defaults: {},
    markets: [
      { code: 'de', name: 'Germany', locale: 'de-DE', currency: 'EUR', copy: { headline: 'Sommer-Frische', price: 1.99 } },
      { code: 'jp', name: 'Japan', locale: 'ja-JP', currency: 'JPY', copy: { headline: '夏のさわやかさ', price: 200 } },
    ],
    labels: [
      { code: 'classic', template: 'label-classic', fields: {} },
      { code: 'badge', template: 'label-badge', fields: {} },
    ],
    backgrounds: [{ code: 'original' }, { code: 'lake', plateId }],
  });

  it('creates a campaign, takes a master and a plate, and expands a 2×2×2 matrix into 8 renders waiting for the analysis', async () => {
    const created = await json('POST', '/campaigns', { name: 'Summer' });
    expect(created.status).toBe(201);
    const id = created.body.id as string;

    const master = await upload(`/campaigns/${id}/master`, CLIP, 'bottles.mp4');
    expect(master.status).toBe(201);
    expect(master.body.master).toMatchObject({ width: 640, height: 360, filename: 'bottles.mp4' });
    expect(master.body.master.frameCount).toBeGreaterThan(240);
    // Analysis is queued with the upload; its proxy and sprite appear when a worker has made them.
    expect(master.body.master.analysis).toMatchObject({ status: 'queued', error: null, proxyUrl: null, spriteUrl: null, sprite: null, stage: null });
    expect(master.body.master.analysis).toMatchObject({ mattingMode: null, cameraMotionUrl: null, matteKeyframes: null, planes: [] });

    const plate = await upload(`/campaigns/${id}/plates`, PLATE, 'lake.jpg');
    expect(plate.status).toBe(201);
    expect(plate.body).toMatchObject({ width: 3840, height: 2160, kind: 'image' });
    // A video is a plate too, held to the master's limits; anything else is refused with both reasons.
    const moving = await upload(`/campaigns/${id}/plates`, path.join(SHARED_MEDIA, 'clips/macro_flower_mdn.mp4'), 'flower.mp4');
    expect(moving.status).toBe(201);
    expect(moving.body).toMatchObject({ width: 960, height: 540, kind: 'video' });
    const neither = await upload(`/campaigns/${id}/plates`, Buffer.from('just some text'), 'notes.txt');
    expect(neither.status).toBe(415);
    expect(neither.body).toMatchObject({ code: 'NOT_A_PLATE' });
    expect(neither.body.message).toMatch(/^notes\.txt is neither a JPEG, PNG or WebP image nor a video plate/);

    const saved = await putMatrix(id, matrix(plate.body.id));
    expect(saved.status).toBe(200);
    expect(saved.body.matrix.markets.map((m: { code: string }) => m.code)).toEqual(['de', 'jp']);

    const expanded = await json('POST', `/campaigns/${id}/expand`);
    expect(expanded.status).toBe(200);
    const view = expanded.body as CampaignView;
    expect(view.variants).toHaveLength(8);
    expect(view.counts).toMatchObject({ queued: 8, total: 8 });
    expect(new Set(view.variants.map((v) => v.renderKey)).size).toBe(8);
    expect(expanded.body.expansion).toEqual({ cells: 8, created: 8, changed: 0, unchanged: 0, removed: 0, queued: 0, reused: 0 });
    // The master's analysis is a dependency: its renders wait, and only the analysis job is queued.
    const statuses = await db.query(`SELECT status, count(*)::int AS n FROM render GROUP BY status`);
    expect(statuses).toEqual([{ status: 'waiting', n: 8 }]);
    // Every change is in the audit log, by whom, written with the change itself (refused uploads leave none).
    const audit = await db.query(`SELECT action, actor_email FROM audit_log WHERE campaign_id = $1 ORDER BY id`, [id]);
    expect(audit).toEqual(
      ['campaign.create', 'master.upload', 'plate.upload', 'plate.upload', 'matrix.save', 'campaign.expand'].map((action) => ({ action, actor_email: 'admin@shotmatrix.test' })),
    );

    const connection = new IORedis(env.config.redisUrl, { maxRetriesPerRequest: null });
    const renders = new Queue('render', { connection, prefix: env.config.queuePrefix });
    const analyze = new Queue('analyze', { connection, prefix: env.config.queuePrefix });
    try {
      await waitFor('the analysis job to be relayed', async () => (await analyze.count()) === 1);
      expect(await renders.count()).toBe(0);
      // Expanding again without changes touches nothing.
      const again = await json('POST', `/campaigns/${id}/expand`);
      expect(again.body.expansion).toMatchObject({ cells: 8, created: 0, changed: 0, unchanged: 8 });
      expect(again.body.variants.map((v: { id: string }) => v.id).sort()).toEqual(view.variants.map((v) => v.id).sort());
      expect(await count('render')).toBe(8);
    } finally {
      await Promise.all([renders.obliterate({ force: true }), analyze.obliterate({ force: true })]);
      await Promise.all([renders.close(), analyze.close()]);
      await connection.quit();
    }

    const list = await json('GET', '/campaigns');
    expect(list.body.find((c: { id: string }) => c.id === id)).toMatchObject({ hasMaster: true, counts: { total: 8 } });

    // A label plane the master has no quads for is refused at expansion, naming the cell, and changes nothing.
    const onPlane = { ...matrix(plate.body.id), defaults: { params: { labelPlane: 'front' } } };
    expect((await putMatrix(id, onPlane)).status).toBe(200);
    const refused = await json('POST', `/campaigns/${id}/expand`);
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('MATRIX_UNKNOWN_LABEL_PLANE');
    expect(refused.body.message).toMatch(/^cell market=de;label=classic;background=original: params\.labelPlane "front" has no label-quad keyframes/);
    expect(await count('render')).toBe(8);

    // Supers: a label template is not a super, a super needs its copy field, and its marks must exist on the master.
    const withSupers = (supers: unknown, copy: Record<string, string | number> = {}) => {
      const m = matrix(plate.body.id);
      m.markets = m.markets.map((mk) => ({ ...mk, copy: { ...mk.copy, ...copy } }));
      return { ...m, defaults: { params: { supers } } };
    };
    const notSuper = await putMatrix(id, withSupers([{ template: 'label-classic' }]));
    expect(notSuper.status).toBe(400);
    expect(notSuper.body.message).toMatch(/params\.supers\[0\]\.template: "label-classic" is a label template, not a super$/);
    const noCopy = await putMatrix(id, withSupers([{ template: 'super-tagline' }]));
    expect(noCopy.status).toBe(400);
    expect(noCopy.body.message).toMatch(/params\.supers\[0\]: .*"tagline"/);
    expect((await putMatrix(id, withSupers([{ template: 'super-tagline', to: 'tagline-off' }], { tagline: 'Summer' }))).status).toBe(200);
    const noMark = await json('POST', `/campaigns/${id}/expand`);
    expect(noMark.status).toBe(400);
    expect(noMark.body).toMatchObject({ code: 'MATRIX_UNKNOWN_MARK' });
    expect(noMark.body.message).toMatch(/params\.supers\[0\]\.to: the master has no timing mark "tagline-off"/);
    expect(await count('render')).toBe(8);

    // A packshot is one of this campaign's still uploads, named by id; it re-keys every cell that shows it.
    const withPackshot = (packshot: string) => ({ ...matrix(plate.body.id), defaults: { params: { packshot } } });
    const stranger = await putMatrix(id, withPackshot('00000000-0000-4000-8000-000000000000'));
    expect(stranger.status).toBe(400);
    expect(stranger.body).toMatchObject({ code: 'MATRIX_UNKNOWN_PACKSHOT' });
    expect(stranger.body.message).toMatch(/^cell market=de;.*: params\.packshot: 00000000-0000-4000-8000-000000000000 is not an image uploaded to this campaign/);
    const video = await putMatrix(id, withPackshot(moving.body.id));
    expect(video.status).toBe(400);
    expect(video.body.message).toMatch(/params\.packshot: "flower\.mp4" is a video; a packshot is a still image/);
    expect((await putMatrix(id, withPackshot(plate.body.id))).status).toBe(200);
    const packed = await json('POST', `/campaigns/${id}/expand`);
    expect(packed.status).toBe(200);
    expect(packed.body.expansion).toMatchObject({ cells: 8, changed: 8 });
    const [{ params }] = await db.query(`SELECT params FROM render WHERE params->>'packshotKey' IS NOT NULL LIMIT 1`);
    expect(params.packshotKey).toMatch(/^plates\//);
  });

  describe('bad input gets a 4xx that names the problem and leaves nothing behind', () => {
    let id: string;
    beforeAll(async () => {
      id = (await json('POST', '/campaigns', { name: 'Bad input' })).body.id;
    });

    it('rejects a text file uploaded as the master', async () => {
      const before = await storedObjects();
      const masters = await count('master_shot');
      const res = await upload(`/campaigns/${id}/master`, Buffer.from('this is not a video\n'.repeat(100)), 'notes.mp4');
      expect(res.status).toBe(415);
      expect(res.body.message).toMatch(/^notes\.mp4 is not a video file ffmpeg can read: /);
      expect(await count('master_shot')).toBe(masters);
      expect(await storedObjects()).toEqual(before);
      const work = await readdir(env.config.workDir);
      expect(work.filter((f) => f.startsWith('upload-'))).toEqual([]);
    });

    it('rejects an image renamed .mp4', async () => {
      const res = await upload(`/campaigns/${id}/master`, PLATE, 'still.mp4');
      expect(res.status).toBe(415);
      expect(res.body.message).toBe('still.mp4 is a JPEG image, not a moving video: upload the master shot as a video file');
    });

    it('rejects a request without a file', async () => {
      const res = await json('POST', `/campaigns/${id}/master`, { file: 'x' });
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/multipart\/form-data/);
    });

    it('rejects an empty matrix', async () => {
      const res = await putMatrix(id, { markets: [], labels: [], backgrounds: [] });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', message: 'markets: a matrix needs at least one market' });
      expect(res.body.problems).toEqual([
        'markets: a matrix needs at least one market',
        'labels: a matrix needs at least one label',
        'backgrounds: a matrix needs at least one background',
      ]);
    });

    it('names a non-numeric price by its path', async () => {
      const m = matrix() as any;
      m.markets[1].copy.price = 'abc';
      const res = await putMatrix(id, m);
      expect(res.status).toBe(400);
      expect(res.body.message).toBe('markets[1].copy.price: expected a number, got "abc"');
    });

    it('rejects a label that names an unknown market, keeping the old matrix', async () => {
      const good = matrix();
      good.backgrounds = [{ code: 'original' }];
      expect((await putMatrix(id, good)).status).toBe(200);
      const bad = { ...good, labels: [{ code: 'classic', template: 'label-classic', markets: ['fr'] }] };
      const res = await putMatrix(id, bad);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'MATRIX_UNKNOWN_MARKET', message: 'label "classic" names market "fr", which is not in the matrix' });
      const view = (await json('GET', `/campaigns/${id}`)).body as CampaignView;
      expect(view.matrix?.labels.map((l) => l.code)).toEqual(['classic', 'badge']);
    });

    it('rejects a market whose copy lacks a field the label template needs', async () => {
      const m = matrix();
      m.backgrounds = [{ code: 'original' }];
      delete m.markets[1].copy.price;
      const res = await putMatrix(id, m);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('TEMPLATE_FIELD_MISSING');
      expect(res.body.message).toMatch(/^market "jp", label "classic": .*"price"/);
    });

    it('rejects an unknown template and a plate from elsewhere', async () => {
      const m = matrix();
      m.labels[0].template = 'no-such-template';
      expect((await putMatrix(id, m)).body.code).toBe('UNKNOWN_TEMPLATE');
      const res = await putMatrix(id, matrix('00000000-0000-4000-8000-000000000000'));
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/background "lake" uses plate/);
      // Effect layers name plates too, and are checked the same way, by where they were named.
      const fx = matrix();
      fx.backgrounds = [{ code: 'original' }];
      fx.defaults = { params: { effects: [{ plate: '00000000-0000-4000-8000-000000000000', opacity: 0.5 }] } };
      const unknownFx = await putMatrix(id, fx);
      expect(unknownFx.status).toBe(400);
      expect(unknownFx.body).toMatchObject({ code: 'MATRIX_UNKNOWN_PLATE' });
      expect(unknownFx.body.message).toMatch(/^cell market=de;label=classic;background=original: params\.effects\[0\]\.plate: 00000000-0000-4000-8000-000000000000 is not an image uploaded to this campaign/);
      fx.defaults = { params: { effects: [{ plate: '00000000-0000-4000-8000-000000000000', opacity: 2 }] } };
      expect((await putMatrix(id, fx)).body.message).toMatch(/params\.effects\[0\]\.opacity: expected a number above 0 and up to 1, got 2/);
    });

    it('takes a market grade (.cube) by name, refuses a broken one with its line, and checks names and settings in the matrix', async () => {
      const m = matrix();
      m.backgrounds = [{ code: 'original' }];
      m.markets[0].lut = 'warm';
      const unknown = await putMatrix(id, m);
      expect(unknown.status).toBe(400);
      expect(unknown.body).toMatchObject({ code: 'MATRIX_UNKNOWN_LUT' });
      expect(unknown.body.message).toMatch(/^markets\[0\]\.lut: "warm" is not a LUT of this campaign/);

      const broken = await upload(`/campaigns/${id}/luts?name=warm`, Buffer.from('LUT_3D_SIZE 2\n0 0 0\n0 0\n'), 'warm.cube');
      expect(broken.status).toBe(400);
      expect(broken.body).toMatchObject({ code: 'LUT_INVALID', message: 'warm.cube, line 3: expected three numbers (R G B), got "0 0"' });
      expect(await count('lut')).toBe(0);
      const badName = await upload(`/campaigns/${id}/luts?name=Warm Look`, path.join(SHARED_MEDIA, 'luts/warm_cinema.cube'), 'warm.cube');
      expect(badName.status).toBe(400);

      const ok = await upload(`/campaigns/${id}/luts?name=warm`, path.join(SHARED_MEDIA, 'luts/warm_cinema.cube'), 'warm_cinema.cube');
      expect(ok.status).toBe(201);
      expect(ok.body).toMatchObject({ name: 'warm', filename: 'warm_cinema.cube', size: 16 });
      expect((await putMatrix(id, m)).status).toBe(200);
      expect((await json('GET', `/campaigns/${id}`)).body.luts.map((l: { name: string }) => l.name)).toEqual(['warm']);

      const badSetting = { ...m, defaults: { params: { feather: 99 } } };
      const res = await putMatrix(id, badSetting);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'MATRIX_BAD_SETTING' });
      expect(res.body.message).toMatch(/params\.feather: expected a number from 0 to 50, got 99$/);
    });

    it('refuses to expand without a master, creating no variants', async () => {
      const res = await json('POST', `/campaigns/${id}/expand`);
      expect(res.status).toBe(409);
      expect(res.body.message).toBe('upload a master shot before expanding the matrix');
      expect(Number((await db.query('SELECT count(*) AS n FROM variant WHERE campaign_id = $1', [id]))[0].n)).toBe(0);
    });

    it('refuses an edit without a version (428) and a stale one (409), changing nothing', async () => {
      const m = matrix();
      m.backgrounds = [{ code: 'original' }];
      const noVersion = await json('PUT', `/campaigns/${id}/matrix`, m);
      expect(noVersion.status).toBe(428);
      const { version } = (await json('GET', `/campaigns/${id}`)).body;
      const first = await json('PUT', `/campaigns/${id}/matrix`, m, { 'if-match': `"${version}"` });
      expect(first.status).toBe(200);
      expect(first.body.version).toBe(version + 1);
      m.markets[0].name = 'Deutschland';
      const stale = await json('PUT', `/campaigns/${id}/matrix`, m, { 'if-match': `"${version}"` });
      expect(stale.status).toBe(409);
      expect(stale.body.message).toMatch(/changed by someone else \(version \d+ is current, your edit was based on \d+\)/);
      expect((await json('GET', `/campaigns/${id}`)).body.matrix.markets[0].name).toBe('Germany');
    });

    it('answers 404 for an unknown campaign and 400 for a bad name', async () => {
      expect((await json('GET', '/campaigns/00000000-0000-4000-8000-000000000000')).status).toBe(404);
      expect((await json('GET', '/campaigns/not-a-uuid')).status).toBe(404);
      const res = await json('POST', '/campaigns', { name: '  ' });
      expect(res.status).toBe(400);
      expect(res.body.message).toBe('name: a campaign needs a name');
    });
  });

  it('refuses a master over the configured limits, naming the limit', async () => {
    const id = (await json('POST', '/campaigns', { name: 'Limits' })).body.id;
    const tall = path.join(env.config.workDir, 'tall.mp4');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'color=s=4400x256:d=0.2:r=10', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', tall]);
    const res = await upload(`/campaigns/${id}/master`, tall, 'wide.mp4');
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ code: 'VIDEO_TOO_LARGE', message: 'wide.mp4 is 4400×256; masters may be at most 4096×2160 (2160×4096 in portrait)' });
  });

  it('serves OpenAPI at /api/docs', async () => {
    const res = await fetch(`${base}/docs/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/campaigns', '/api/campaigns/{id}/master', '/api/campaigns/{id}/expand']));
    expect((await fetch(`${base}/docs`)).status).toBe(200);
  });

  it('streams media with byte ranges', async () => {
    const id = (await json('POST', '/campaigns', { name: 'Range' })).body.id;
    const view = (await upload(`/campaigns/${id}/master`, CLIP, 'bottles.mp4')).body as CampaignView;
    const url = `${base.replace(/\/api$/, '')}${view.master!.url}`;
    const res = await fetch(url, { headers: { range: 'bytes=0-99' } });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toMatch(/^bytes 0-99\/\d+$/);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes).toEqual((await readFile(CLIP)).subarray(0, 100));
    // Only signed URLs are served, whoever asks: a session alone is not enough, nor a signature for another key.
    const unsigned = await fetch(url.split('?')[0]);
    expect(unsigned.status).toBe(403);
    expect(await unsigned.json()).toMatchObject({ code: 'MEDIA_URL_INVALID', message: 'this media link is not signed; reload the page to get a fresh one' });
    const query = url.split('?')[1];
    expect((await globalThis.fetch(`${base}/media/masters/other.mp4?${query}`)).status).toBe(403);
    // The anonymous browser of a <video> element gets the bytes with the signed URL alone.
    expect((await globalThis.fetch(url)).status).toBe(200);
    const signer = mediaSigner({ secret: env.config.auth.mediaUrlSecret!, ttlS: 60, windowS: 60 });
    expect((await fetch(`${base.replace(/\/api$/, '')}${signer.url('masters/nope.mp4')}`)).status).toBe(404);
    // A signed traversal is still refused by the key check (encoded, so the client does not resolve the dots itself).
    const traversal = signer.url('../../etc/passwd').split('?')[1];
    expect((await fetch(`${base}/media/..%2F..%2Fetc%2Fpasswd?${traversal}`)).status).toBe(400);
  });
});
