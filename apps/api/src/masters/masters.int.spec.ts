import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DataSource } from 'typeorm';
import type { Keyframe, Quad } from '@shotmatrix/contracts';
import { dataSourceOptions } from '@shotmatrix/persistence';
import { createTestEnv, SHARED_MEDIA, signedInFetch, type TestEnv } from '@shotmatrix/testing';
import { createApiApp } from '../bootstrap';

const CLIP = path.join(SHARED_MEDIA, 'clips/product_bottles_table_intel.mp4');

describe('master shot API: keyframes and frames (real Postgres, Redis, ffmpeg)', () => {
  let env: TestEnv;
  let app: NestExpressApplication;
  let base: string;
  /** The API refuses anonymous calls: every request in this file goes out signed in as the test admin. */
  let fetch!: typeof globalThis.fetch;
  let db: DataSource;
  let id: string;

  beforeAll(async () => {
    env = await createTestEnv('masters');
    app = await createApiApp(env.config, { logger: false });
    await app.listen(0, '127.0.0.1');
    base = `${await app.getUrl()}/api`.replace('[::1]', '127.0.0.1');
    fetch = await signedInFetch(base);
    db = await new DataSource(dataSourceOptions(env.config.databaseUrl)).initialize();
    id = (await json('POST', '/campaigns', { name: 'Keyframes' })).body.id;
    const form = new FormData();
    form.append('file', new Blob([await readFile(CLIP)]), 'bottles.mp4');
    expect((await fetch(`${base}/campaigns/${id}/master`, { method: 'POST', body: form })).status).toBe(201);
  });

  afterAll(async () => {
    await app?.close();
    await db?.destroy();
    await env?.cleanup();
  });

  async function json(method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(`${base}${url}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  }
  const quad = (dx = 0): Quad => [
    [300 + dx, 150],
    [380 + dx, 150],
    [380 + dx, 260],
    [300 + dx, 260],
  ];
  const put = (keyframes: unknown, version: number | null) =>
    json('PUT', `/campaigns/${id}/master/keyframes`, { keyframes }, version === null ? {} : { 'if-match': `"${version}"` });
  const planeRows = async () =>
    (await db.query(`SELECT plane, seeds_hash, status FROM plane_track ORDER BY created_at, plane`)) as Array<{ plane: string; seeds_hash: string; status: string }>;

  it('starts empty, refuses edits without or with a stale version, and names bad keyframes', async () => {
    expect((await json('GET', `/campaigns/${id}/master/keyframes`)).body).toEqual({ version: 1, keyframes: [] });
    const noVersion = await put([{ kind: 'lock', frame: 3 }], null);
    expect(noVersion.status).toBe(428);
    const stale = await put([{ kind: 'lock', frame: 3 }], 7);
    expect(stale.status).toBe(409);
    expect(stale.body.message).toMatch(/version 1 is current/);

    const crossed = await put([{ kind: 'label-quad', frame: 10, plane: 'front', quad: [quad()[0], quad()[2], quad()[1], quad()[3]] }], 1);
    expect(crossed.status).toBe(400);
    expect(crossed.body.message).toMatch(/keyframes\[0\].*plane "front" quad is not convex/);
    const late = await put([{ kind: 'lock', frame: 100000 }], 1);
    expect(late.status).toBe(400);
    expect(late.body.message).toMatch(/frames 0–\d+/);
    const badKind = await put([{ kind: 'hold', frame: 1 }], 1);
    expect(badKind.status).toBe(400);
    // Nothing was written by the refused edits.
    expect((await json('GET', `/campaigns/${id}/master/keyframes`)).body.version).toBe(1);
    expect(await planeRows()).toEqual([]);
  });

  it('tracks only the planes whose quads changed', async () => {
    const base1: Keyframe[] = [
      { kind: 'label-quad', frame: 10, plane: 'front', quad: quad() },
      { kind: 'label-quad', frame: 10, plane: 'back', quad: quad(-200) },
      { kind: 'lock', frame: 0 },
    ];
    const first = await put(base1, 1);
    expect(first.status).toBe(200);
    expect(first.body.version).toBe(2);
    expect(first.body.retracked.sort()).toEqual(['back', 'front']);
    // The analysis has not run (no worker here): the tracks wait for it.
    expect((await planeRows()).map((r) => r.status)).toEqual(['waiting', 'waiting']);

    const marks = await put([...base1, { kind: 'mark', frame: 50, name: 'legal-in' }], 2);
    expect(marks.body.retracked).toEqual([]);
    const moved = await put([base1[0], { ...base1[1], quad: quad(-190) } as Keyframe, base1[2]], 3);
    expect(moved.body.retracked).toEqual(['back']);
    expect((await planeRows()).map((r) => r.plane)).toEqual(['back', 'front', 'back']);

    const view = await json('GET', `/campaigns/${id}/master`);
    expect(view.body.analysis.planes.map((p: { plane: string; status: string }) => [p.plane, p.status])).toEqual([
      ['back', 'queued'],
      ['front', 'queued'],
    ]);
  });

  it('serves exact frames of the mezzanine and the matte once the analysis is done, and says why not before', async () => {
    const early = await json('GET', `/campaigns/${id}/master/frames/0`);
    expect(early.status).toBe(409);
    expect(early.body.message).toMatch(/once the master's analysis is done/);

    // Play the worker's part: a finished analysis whose mezzanine and matte are the stored master.
    const [{ storage_key, sha256, fps_fraction, frame_count }] = await db.query(`SELECT storage_key, sha256, fps_fraction, frame_count FROM master_shot`);
    await db.query(`UPDATE analysis SET status = 'done', result = $2 WHERE master_sha256 = $1`, [
      sha256,
      JSON.stringify({ mezzanineKey: storage_key, matteKey: storage_key, frameCount: frame_count, mezzanine: { fpsFraction: fps_fraction, width: 640, height: 360, fps: 30 } }),
    ]);
    const frame = await fetch(`${base}/campaigns/${id}/master/frames/12?width=320`);
    expect(frame.status).toBe(200);
    expect(frame.headers.get('content-type')).toMatch(/image\/jpeg/);
    const jpeg = Buffer.from(await frame.arrayBuffer());
    expect(jpeg.subarray(0, 2).toString('hex')).toBe('ffd8');
    const matte = await fetch(`${base}/campaigns/${id}/master/frames/12?layer=matte`);
    expect(matte.headers.get('content-type')).toMatch(/image\/png/);

    expect((await json('GET', `/campaigns/${id}/master/frames/${frame_count}`)).status).toBe(404);
    expect((await json('GET', `/campaigns/${id}/master/frames/1?layer=depth`)).status).toBe(400);
    expect((await json('GET', `/campaigns/${id}/master/frames/1?width=5`)).status).toBe(400);
  });
});
