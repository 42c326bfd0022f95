import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { DataSource, In } from 'typeorm';
import type { CameraMotionTrack, ColourStatsFrame, Keyframe, PlaneTrack, Quad } from '@shotmatrix/contracts';
import { ANALYSER_VERSION, DEFAULT_COMPOSITE_SETTINGS, planeSeeds } from '@shotmatrix/domain';
import { OutboxRelay } from '@shotmatrix/dispatch';
import { countFrames, probeVideo, readFrames, runFfmpeg } from '@shotmatrix/media';
import {
  AnalysisEntity,
  CampaignEntity,
  dataSourceOptions,
  ensurePlaneTracks,
  insertOutbox,
  MasterShotEntity,
  PlaneTrackEntity,
  PlateEntity,
  RenderEntity,
  VariantEntity,
} from '@shotmatrix/persistence';
import { createJobWorker, createQueues, createRedis, type Queues } from '@shotmatrix/queue';
import { createObjectStore, type ObjectStore } from '@shotmatrix/storage';
import { TemplateRegistry } from '@shotmatrix/templating';
import { createTestEnv, SHARED_MEDIA, waitFor, type TestEnv } from '@shotmatrix/testing';
import { analyzeJob } from './analyze-master.job';
import { renderJob, type WorkerDeps } from './render-variant.job';

const CLIP = path.join(SHARED_MEDIA, 'clips/talking_head_yellow_backdrop_mdn.mp4');
const PLATE = path.join(SHARED_MEDIA, 'plates/beach_sunset_budgie.jpg');

describe('worker: analysis, then renders (real ffmpeg, Postgres, Redis)', () => {
  let env: TestEnv;
  let db: DataSource;
  let store: ObjectStore;
  let queues: Queues;
  let relay: OutboxRelay;
  const workers: Worker[] = [];
  const redis: Redis[] = [];
  const tools = { ffmpegPath: 'ffmpeg', ffprobePath: 'ffprobe' };
  const runs: Record<string, number> = {};

  beforeAll(async () => {
    env = await createTestEnv('worker');
    db = await new DataSource(dataSourceOptions(env.config.databaseUrl)).initialize();
    store = createObjectStore(env.config.storage);
    await store.ensureReady();
    const [q, w, p] = [createRedis(env.config.redisUrl, 'queue'), createRedis(env.config.redisUrl, 'worker'), createRedis(env.config.redisUrl, 'queue')];
    redis.push(q, w, p);
    queues = createQueues({ connection: q, prefix: env.config.queuePrefix, attempts: 3 });
    relay = new OutboxRelay(db, queues, { pollMs: 200 });
    relay.start();
    const deps: WorkerDeps = {
      config: env.config,
      db,
      store,
      tools,
      publisher: p,
      templates: new TemplateRegistry(env.config.templatesDir),
      kickRelay: () => void relay.kick(),
    };
    const opts = { connection: w, prefix: env.config.queuePrefix, concurrency: 1 };
    workers.push(createJobWorker('analyze', opts, (job, signal) => analyzeJob(deps, job, signal)));
    workers.push(
      createJobWorker('render', opts, (job, signal) => {
        runs[job.data.renderKey] = (runs[job.data.renderKey] ?? 0) + 1;
        return renderJob(deps, job, signal);
      }),
    );
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.close()));
    await relay?.stop();
    for (const q of Object.values(queues ?? {})) {
      await q.obliterate({ force: true }).catch(() => undefined);
      await q.close();
    }
    await Promise.all(redis.map((r) => r.quit().catch(() => undefined)));
    await db?.destroy();
    await env?.cleanup();
  });

  /** Seeds what an upload and an expansion would have written: master, analysis job, renders waiting on it. */
  async function seed(opts: { masterFile: string; sha: string; keys: Array<{ key: string; plate?: boolean; aspect?: string; labelPlane?: string; packshot?: boolean; lut?: boolean; legal?: boolean; jp?: boolean }>; planes?: Keyframe[] }) {
    const campaign = await db.getRepository(CampaignEntity).save({ name: `worker ${opts.sha}` });
    const probe = await probeVideo(tools, CLIP);
    const masterKey = `masters/${opts.sha}.mp4`;
    await store.putFile(masterKey, opts.masterFile);
    const master = await db.getRepository(MasterShotEntity).save({
      campaignId: campaign.id,
      filename: 'talking.mp4',
      storageKey: masterKey,
      thumbnailKey: null,
      sha256: opts.sha,
      sizeBytes: probe.sizeBytes,
      width: probe.width,
      height: probe.height,
      fpsFraction: probe.fpsFraction,
      fps: probe.fps,
      frameCount: probe.frameCount,
      durationS: probe.durationS,
      hasAudio: probe.hasAudio,
      codec: probe.codec,
      isCurrent: true,
    });
    await store.putFile('plates/beach.jpg', PLATE);
    // A packshot: a magenta card with a transparent border, as a PNG with alpha.
    const packshot = path.join(env.config.workDir, 'packshot.png');
    await runFfmpeg(tools, ['-y', '-f', 'lavfi', '-i', 'color=c=0xff00ff:s=160x120,format=rgba,pad=200:160:20:20:color=black@0', '-frames:v', '1', packshot]);
    await store.putFile('plates/packshot.png', packshot);
    await store.putFile('luts/warm.cube', path.join(SHARED_MEDIA, 'luts/warm_cinema.cube'));
    const plate = await db.getRepository(PlateEntity).save({ campaignId: campaign.id, filename: 'beach.jpg', storageKey: 'plates/beach.jpg', sha256: 'b', width: 6144, height: 4096 });
    const analysis = await db.getRepository(AnalysisEntity).save({ masterSha256: opts.sha, analyserVersion: ANALYSER_VERSION, status: 'queued' });
    for (const [i, k] of opts.keys.entries()) {
      await db.getRepository(RenderEntity).insert({
        renderKey: k.key,
        status: 'waiting',
        analysisId: analysis.id,
        masterShotId: master.id,
        params: {
          masterShotId: master.id,
          template: 'label-classic',
          fields: k.jp
            ? { headline: '夏の爽やかさ', price: '¥1,280' }
            : { headline: 'Sommer-Frische', price: '1,99 €', ...(k.legal ? { legal: 'Nur solange der Vorrat reicht.', tagline: 'Gemacht für den Sommer' } : {}) },
          locale: k.jp ? 'ja-JP' : 'de-DE',
          direction: 'ltr',
          plateId: k.plate ? plate.id : null,
          lut: k.lut ? 'warm' : null,
          lutKey: k.lut ? 'luts/warm.cube' : null,
          aspect: k.aspect ?? null,
          motionAdherence: 1,
          structureAdherence: 1,
          ...(k.legal
            ? {
                settings: { ...DEFAULT_COMPOSITE_SETTINGS, legalMinSeconds: 1 },
                // A legal line for the first 100 frames (1.67 s at 59.94 fps) and a super over the rest.
                overlays: [
                  { template: 'legal-line', role: 'legal' as const, from: 0, to: 99 },
                  { template: 'super-tagline', role: 'super' as const, from: 100, to: 400 },
                ],
              }
            : {}),
          ...(k.labelPlane
            ? {
                settings: { ...DEFAULT_COMPOSITE_SETTINGS, labelPlane: k.labelPlane },
                labelPlane: planeSeeds(opts.planes ?? []).find((pl) => pl.plane === k.labelPlane)!,
              }
            : {}),
          ...(k.packshot ? { packshotKey: 'plates/packshot.png' } : {}),
        },
      });
      // Two cells share each render key: it must render once.
      for (const cell of ['a', 'b']) {
        await db.getRepository(VariantEntity).insert({
          campaignId: campaign.id,
          cellKey: `market=de;label=l${i};background=${cell}`,
          coords: { market: 'de', label: `l${i}`, background: cell },
          marketCode: 'de',
          labelCode: `l${i}`,
          backgroundCode: cell,
          renderKey: k.key,
          params: {},
        });
      }
    }
    await db.transaction(async (tx) => {
      await insertOutbox(tx, [{ queue: 'analyze', jobId: `analysis-${analysis.id}`, payload: { analysisId: analysis.id } }]);
      // A producer may draw label quads before the analysis is done: they wait for it.
      if (opts.planes) expect(await ensurePlaneTracks(tx, analysis.id, planeSeeds(opts.planes))).toHaveLength(1);
    });
    void relay.kick();
    return { probe, analysis };
  }

  const readAll = async (key: string) => {
    const chunks: Buffer[] = [];
    for await (const c of (await store.getStream(key)).body as AsyncIterable<Buffer>) chunks.push(Buffer.from(c));
    return Buffer.concat(chunks);
  };

  const settled = (key: string) =>
    waitFor(
      `render ${key.slice(0, 8)} to finish`,
      async () => {
        const r = await db.getRepository(RenderEntity).findOneByOrFail({ renderKey: key });
        return r.status === 'done' || r.status === 'failed' ? r : null;
      },
      120_000,
    );

  it('analyses the master once, then renders each key once with the master frame count, audio and a thumbnail', async () => {
    // b puts a packshot on the plane the producer drew (tracked by the analysis, or by the render if that is not done yet).
    // c keeps the master's surroundings but grades them: the matte keeps the subject out of the grade at s = 1.
    const keys = [
      { key: 'a'.repeat(64), plate: true, aspect: '9:16', jp: true },
      { key: 'b'.repeat(64), labelPlane: 'early', packshot: true },
      { key: 'c'.repeat(64), lut: true, legal: true },
      // d: the label on the same plane in a 9:16 cell: QC reads it back in the reframed picture too.
      { key: 'd'.repeat(64), labelPlane: 'early', aspect: '9:16' },
    ];
    const early: Keyframe = { kind: 'label-quad', frame: 0, plane: 'early', quad: [[120, 60], [200, 60], [200, 150], [120, 150]] };
    const { probe, analysis } = await seed({ masterFile: CLIP, sha: 'm1', keys, planes: [early] });
    expect((await db.getRepository(PlaneTrackEntity).findOneByOrFail({ analysisId: analysis.id })).status).toBe('waiting');
    for (const { key } of keys) {
      const done = await settled(key);
      expect(done.error).toBeNull();
      expect(done.status).toBe('done');
      expect(done.frameCount).toBe(probe.frameCount);
      const out = path.join(env.config.workDir, `check-${key.slice(0, 4)}.mp4`);
      await store.getToFile(done.outputKey!, out);
      expect(await countFrames(tools, out)).toBe(probe.frameCount);
      const outProbe = await probeVideo(tools, out);
      if (key.startsWith('c')) {
        const first = async (file: string) => {
          for await (const f of readFrames(tools, file, { width: probe.width, height: probe.height, pixelFormat: 'rgb24', frameCount: 1 })) return f;
          throw new Error('no frame');
        };
        const mezz = path.join(env.config.workDir, 'check-mezz.mp4');
        await store.getToFile(`analyses/m1/${ANALYSER_VERSION}/mezzanine.mp4`, mezz);
        const [a, b] = [await first(mezz), await first(out)];
        // The yellow backdrop (top-left corner) took the warm grade; QC above proved the subject did not.
        let diff = 0;
        for (let y = 0; y < 30; y++) for (let x = 0; x < 30; x++) for (let ch = 0; ch < 3; ch++) diff += Math.abs(a[(y * probe.width + x) * 3 + ch] - b[(y * probe.width + x) * 3 + ch]);
        expect(diff / (30 * 30 * 3)).toBeGreaterThan(4);
      }
      if (key.startsWith('b')) {
        // The label sits on the drawn plane (frame 0: its seed quad), not in the title-safe corner.
        const first = async (file: string) => {
          for await (const f of readFrames(tools, file, { width: probe.width, height: probe.height, pixelFormat: 'gray', frameCount: 1 })) return f;
          throw new Error('no frame');
        };
        const mezz = path.join(env.config.workDir, 'check-mezz.mp4');
        await store.getToFile(`analyses/m1/${ANALYSER_VERSION}/mezzanine.mp4`, mezz);
        const [a, b] = [await first(mezz), await first(out)];
        const meanDiff = (x0: number, y0: number, x1: number, y1: number) => {
          let sum = 0;
          for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) sum += Math.abs(a[y * probe.width + x] - b[y * probe.width + x]);
          return sum / ((x1 - x0) * (y1 - y0));
        };
        expect(meanDiff(130, 70, 190, 140)).toBeGreaterThan(20);
        expect(meanDiff(10, probe.height - 40, 100, probe.height - 12)).toBeLessThan(6);
        // …and it is the packshot (magenta) in place of the label template.
        for await (const f of readFrames(tools, out, { width: probe.width, height: probe.height, pixelFormat: 'rgb24', frameCount: 1 })) {
          let magenta = 0;
          for (let y = 90; y < 120; y++) for (let x = 150; x < 170; x++) magenta += (f[(y * probe.width + x) * 3] + f[(y * probe.width + x) * 3 + 2]) / 2 - f[(y * probe.width + x) * 3 + 1];
          expect(magenta / (30 * 20)).toBeGreaterThan(60);
        }
      }
      // The 9:16 cell is a window that follows the subject, at the master's height.
      if (key.startsWith('a') || key.startsWith('d')) expect([outProbe.width, outProbe.height]).toEqual([2 * Math.round((probe.height * 9) / 16 / 2), probe.height]);
      else expect([outProbe.width, outProbe.height]).toEqual([probe.width, probe.height]);
      expect(Math.abs(outProbe.durationS - probe.durationS)).toBeLessThan(1 / probe.fps + 0.05);
      expect(outProbe.hasAudio).toBe(true);
      expect((await store.head(done.thumbnailKey!))?.size).toBeGreaterThan(1000);
      expect(runs[key]).toBe(1);
      expect(done.attempts).toBe(1);
      // Every render carries its QC: the structure lock held (s = 1) and the checks not made say so.
      const qc = done.qc as { passed: boolean; heatmapKey: string; checks: Array<{ name: string; status: string; value?: number; detail: string }> };
      expect({ key: key.slice(0, 4), passed: qc.passed, checks: qc.checks.filter((c) => c.status === "fail") }).toEqual({ key: key.slice(0, 4), passed: true, checks: [] });
      const byName = Object.fromEntries(qc.checks.map((c) => [c.name, c]));
      expect(byName.frames.status).toBe('pass');
      expect(byName.duration.status).toBe('pass');
      expect(byName['foreground-ssim']).toMatchObject({ status: 'pass' });
      expect(byName['foreground-ssim'].value).toBeGreaterThanOrEqual(0.97);
      // The copy read back from the delivered file: the Japanese price (its kana headline cannot be read by the
      // model and says so), the German label, legal line and super; b shows a packshot, which has no copy.
      if (key.startsWith('a')) {
        expect(byName['copy-ocr']).toMatchObject({ status: 'pass', value: 0 });
        expect(byName['copy-ocr'].detail).toMatch(/label price 0 %.*not checked: label headline/);
      }
      if (key.startsWith('b')) expect(byName['copy-ocr'].status).toBe('not-checked');
      if (key.startsWith('d')) {
        console.log(`reframed plane label, copy-ocr: ${byName['copy-ocr'].status}: ${byName['copy-ocr'].detail}`);
        // At this test master's 320×192 the plane's copy is a few pixels tall: it is found on its plane inside the
        // window, read, and judged too small (not skipped as outside the window); planeCopyFrame's spec checks the move.
        expect(byName['copy-ocr'].detail).toMatch(/label price \(set at [\d.]+ px in the delivered file/);
        expect(byName['copy-ocr'].detail).not.toMatch(/never whole/);
      }
      if (key.startsWith('c')) {
        expect(byName['copy-ocr']).toMatchObject({ status: 'pass', value: 0 });
        for (const read of ['label headline 0 %', 'label price 0 %', 'super super-tagline tagline 0 %']) expect(byName['copy-ocr'].detail).toContain(read);
        // This test master is 320×192: the legal line's small print is a few pixels tall there, and says so.
        expect(byName['copy-ocr'].detail).toMatch(/not checked: .*legal legal-line legal \(set at [\d.]+ px in the delivered file, too small/);
      }
      // b's label is on its plane, in the scene: no overlay to place.
      expect(byName['safe-areas'].status).toBe(key.startsWith('b') || key.startsWith('d') ? 'not-checked' : 'pass');
      if (key.startsWith('c')) expect(byName['legal-line']).toMatchObject({ status: 'pass', threshold: 1 });
      else expect(byName['legal-line'].status).toBe('not-checked');
      expect((await store.head(qc.heatmapKey))?.size).toBeGreaterThan(1000);
      expect(done.outputs).toEqual({ master: done.outputKey });
    }
    const a = await db.getRepository(AnalysisEntity).findOneByOrFail({ id: analysis.id });
    expect(a.status).toBe('done');
    expect(a.result).toMatchObject({
      frameCount: probe.frameCount,
      mezzanineKey: `analyses/m1/${ANALYSER_VERSION}/mezzanine.mp4`,
      sprite: { columns: 10, rows: 10 },
    });
    for (const key of ['mezzanineKey', 'proxyKey', 'spriteKey']) expect((await store.head(a.result![key] as string))?.size).toBeGreaterThan(1000);
    // The analysis released the plane that waited for it.
    const earlyTrack = await waitFor('the early plane to be tracked', async () => {
      const t = await db.getRepository(PlaneTrackEntity).findOneByOrFail({ analysisId: analysis.id, plane: 'early' });
      return t.status === 'done' || t.status === 'failed' ? t : null;
    }, 60_000);
    expect(earlyTrack).toMatchObject({ status: 'done', error: null });
  });

  it('keeps a lossless matte, camera motion and colour statistics, and tracks label planes per seed set', async () => {
    const a = await db.getRepository(AnalysisEntity).findOneByOrFail({ masterSha256: 'm1' });
    const r = a.result as Record<string, any>;
    // The yellow wall is a flat key colour: the chroma keyer runs, no network.
    expect(r.matting).toMatchObject({ mode: 'chroma', provider: null });
    const matte = path.join(env.config.workDir, 'matte-check.mkv');
    await store.getToFile(r.matteKey, matte);
    expect(await countFrames(tools, matte)).toBe(r.frameCount);
    expect((await probeVideo(tools, matte)).codec).toBe('ffv1');
    const camera = JSON.parse((await readAll(r.cameraMotionKey)).toString()) as CameraMotionTrack;
    expect(camera.frames).toHaveLength(r.frameCount);
    // A locked-off camera: the frame-0 corners stay within a few pixels all shot long.
    const drift = Math.max(...camera.frames.map((f) => Math.hypot(f.h[2], f.h[5])));
    expect(drift).toBeLessThan(4);
    const stats = JSON.parse((await readAll(r.colourStatsKey)).toString()) as { frames: ColourStatsFrame[] };
    expect(stats.frames).toHaveLength(r.frameCount);
    // The backdrop is yellow: strongly positive b* outside the subject.
    expect(stats.frames[0].background!.mean[2]).toBeGreaterThan(40);

    const quad = (dx: number): Quad => [
      [120 + dx, 60],
      [200 + dx, 60],
      [200 + dx, 150],
      [120 + dx, 150],
    ];
    const keyframes = (dx: number): Keyframe[] => [
      { kind: 'label-quad', frame: 10, plane: 'chest', quad: quad(0) },
      { kind: 'label-quad', frame: 40, plane: 'side', quad: quad(dx) },
      { kind: 'lock', frame: 5 },
    ];
    const analyzeJobsBefore = await queues.analyze.getJobCounts('completed');
    const first = await db.transaction((tx) => ensurePlaneTracks(tx, a.id, planeSeeds(keyframes(0))));
    expect(first.sort()).toEqual(['chest', 'side']);
    void relay.kick();
    const tracked = await waitFor('both planes to be tracked', async () => {
      const rows = await db.getRepository(PlaneTrackEntity).findBy({ analysisId: a.id, plane: In(['chest', 'side']) });
      return rows.length === 2 && rows.every((t) => t.status === 'done' || t.status === 'failed') ? rows : null;
    }, 120_000);
    for (const t of tracked) {
      expect(t.error).toBeNull();
      const track = JSON.parse((await readAll(t.resultKey!)).toString()) as PlaneTrack;
      expect(track.frames).toHaveLength(r.frameCount);
      // The seed frame holds the producer's quad.
      const seed = t.seeds[0];
      expect(track.frames[seed.frame].quad).toEqual(seed.quad);
    }
    const analysisStamp = (await db.getRepository(AnalysisEntity).findOneByOrFail({ id: a.id })).updatedAt.getTime();

    // Move one plane's quad and add a mark: only that plane is tracked again.
    const second = await db.transaction((tx) => ensurePlaneTracks(tx, a.id, planeSeeds([...keyframes(6), { kind: 'mark', frame: 3, name: 'legal-in' }])));
    expect(second).toEqual(['side']);
    void relay.kick();
    await waitFor('the moved plane to be tracked', async () => {
      const rows = await db.getRepository(PlaneTrackEntity).findBy({ analysisId: a.id, plane: 'side' });
      return rows.length === 2 && rows.every((t) => t.status === 'done') ? rows : null;
    }, 120_000);
    const chest = await db.getRepository(PlaneTrackEntity).findBy({ analysisId: a.id, plane: 'chest' });
    expect(chest).toHaveLength(1);
    expect(chest[0].updatedAt.getTime()).toBe(tracked.find((t) => t.plane === 'chest')!.updatedAt.getTime());
    expect((await db.getRepository(AnalysisEntity).findOneByOrFail({ id: a.id })).updatedAt.getTime()).toBe(analysisStamp);
    // Three plane jobs ran on the analyze queue, and the master's analysis did not run again.
    expect((await queues.analyze.getJobCounts('completed')).completed).toBe(analyzeJobsBefore.completed + 3);
  });

  it('fails the renders of a master whose analysis fails, with the reason, without retrying', async () => {
    const corrupt = path.join(env.config.workDir, 'corrupt.mp4');
    await writeFile(corrupt, Buffer.alloc(64 * 1024, 7));
    const key = 'f'.repeat(64);
    const { analysis } = await seed({ masterFile: corrupt, sha: 'm2', keys: [{ key }] });
    const failed = await settled(key);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/^analysis of the master failed: .*not a video/i);
    expect(runs[key]).toBeUndefined();
    const job = await queues.analyze.getJob(`analysis-${analysis.id}`);
    await waitFor('the analysis job to be failed', async () => (await job?.getState()) === 'failed');
    expect((await queues.analyze.getJob(`analysis-${analysis.id}`))?.attemptsMade).toBe(1);
  });
});
