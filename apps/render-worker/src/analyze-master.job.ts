import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { ANALYSIS_EVENTS_CHANNEL, type AnalysisChangedMessage, type AnalyzeJobPayload, type Quad } from '@shotmatrix/contracts';
import {
  buildMezzanineArgs,
  buildProxyArgs,
  buildSpriteArgs,
  countFrames,
  probeColour,
  probeVideo,
  runFfmpeg,
  spriteLayout,
} from '@shotmatrix/media';
import { AnalysisEntity, insertOutbox, MasterShotEntity, PlaneTrackEntity, releasePlaneTracks } from '@shotmatrix/persistence';
import { UnrecoverableError, type Job } from '@shotmatrix/queue';
import { analyseShot, loadOpenCv, planeWorkSize, trackPlane } from '@shotmatrix/vision';
import type { AnalysisResult } from './analysis-result';
import { describeError, isDeterministic, publish, type WorkerDeps } from './render-variant.job';

/** The IS-Net weights tools/stack/models.json fetches into MODEL_DIR. */
export const ISNET_MODEL = path.join('isnet-small', 'isnet-small-quint8.onnx');
/** Progress is written to Postgres and announced at most this often. */
const PROGRESS_EVERY_MS = 1000;

/** What the handlers use of a job: the same in-process and in a sandboxed child. */
export type AnalyzeJob = Pick<Job<AnalyzeJobPayload>, 'data' | 'attemptsMade' | 'opts' | 'updateProgress'>;

export async function analyzeJob(deps: WorkerDeps, job: AnalyzeJob, signal: AbortSignal): Promise<void> {
  const d = job.data;
  if (typeof d.planeTrackId === 'string') return planeTrackJob(deps, job, d.planeTrackId, signal);
  if (typeof d.analysisId === 'string') return masterAnalysisJob(deps, job, d.analysisId, signal);
  throw new UnrecoverableError(`an analyze job needs an analysisId or a planeTrackId, got ${JSON.stringify(d)}`);
}

export async function announce(deps: Pick<WorkerDeps, 'publisher' | 'config'>, masterSha256: string): Promise<void> {
  const msg: AnalysisChangedMessage = { masterSha256 };
  await deps.publisher.publish(`${deps.config.queuePrefix}:${ANALYSIS_EVENTS_CHANNEL}`, JSON.stringify(msg));
}

/**
 * Analyses a master once (per content hash and analyser version) and then
 * releases the renders and plane tracks waiting for it; a failed analysis
 * fails the renders with the reason. Ingest (constant-rate mezzanine, proxy,
 * scrub sprite), then the subject's matte, camera motion and colour statistics.
 */
async function masterAnalysisJob(deps: WorkerDeps, job: AnalyzeJob, analysisId: string, signal: AbortSignal): Promise<void> {
  const { db } = deps;
  const analysis = await db.getRepository(AnalysisEntity).findOneBy({ id: analysisId });
  if (!analysis || analysis.status === 'done' || analysis.status === 'failed') return;
  const sha = analysis.masterSha256;
  let lastReport = 0;
  // Progress is best effort and never rejects: it is fired without await from inside the analysis, and
  // opencv.js (loaded in this process) aborts the whole process on an unhandled rejection.
  const report = async (stage: string, progress: number, force = false) => {
    const now = Date.now();
    if (!force && now - lastReport < PROGRESS_EVERY_MS) return;
    lastReport = now;
    try {
      await db.getRepository(AnalysisEntity).update({ id: analysis.id }, { stage, progress: Math.max(0, Math.min(1, progress)) });
      await job.updateProgress({ stage, progress });
      await announce(deps, sha);
    } catch (e) {
      console.warn(`[analyze] progress of ${sha.slice(0, 12)} not recorded: ${(e as Error).message}`);
    }
  };
  await db.getRepository(AnalysisEntity).update({ id: analysis.id }, { status: 'running' });
  try {
    const master = await db.getRepository(MasterShotEntity).findOneOrFail({ where: { sha256: sha }, order: { createdAt: 'DESC' } });
    const work = await mkdtemp(path.join(deps.config.workDir, 'analyze-'));
    let result: AnalysisResult;
    try {
      await report('mezzanine', 0, true);
      const file = path.join(work, `master${path.extname(master.storageKey)}`);
      await deps.store.getToFile(master.storageKey, file);
      const probe = await probeVideo(deps.tools, file, { displayName: master.filename, signal });
      const colour = await probeColour(deps.tools, file);
      const mezzanine = path.join(work, 'mezzanine.mp4');
      await runFfmpeg(deps.tools, buildMezzanineArgs({ inputPath: file, outputPath: mezzanine, fpsFraction: probe.fpsFraction, colour, hasAudio: probe.hasAudio }), {
        signal,
        onProgress: (t) => void report('mezzanine', t / probe.durationS),
      });
      const mz = await probeVideo(deps.tools, mezzanine, { displayName: `${master.filename} (mezzanine)`, signal });
      const frames = await countFrames(deps.tools, mezzanine);
      await report('proxy', 0, true);
      const proxy = path.join(work, 'proxy.mp4');
      await runFfmpeg(deps.tools, buildProxyArgs({ inputPath: mezzanine, outputPath: proxy, hasAudio: mz.hasAudio }), { signal });
      const layout = spriteLayout(mz);
      const sprite = path.join(work, 'sprite.jpg');
      await runFfmpeg(deps.tools, buildSpriteArgs({ inputPath: mezzanine, outputPath: sprite, layout }), { signal });

      const mattePath = path.join(work, 'matte.mkv');
      const shot = { width: mz.width, height: mz.height, frameCount: frames, fpsFraction: mz.fpsFraction };
      const vision = await analyseShot(deps.tools, mezzanine, shot, {
        modelPath: path.join(deps.config.analysis.modelDir, ISNET_MODEL),
        provider: deps.config.analysis.provider,
        stride: deps.config.analysis.matteStride,
        mattePath,
        signal,
        onProgress: (stage, p) => void report(stage, p),
      });
      await report('storing', 1, true);
      const cameraPath = path.join(work, 'camera-motion.json');
      const statsPath = path.join(work, 'colour-stats.json');
      await writeFile(cameraPath, JSON.stringify(vision.cameraMotion));
      await writeFile(statsPath, JSON.stringify({ width: mz.width, height: mz.height, frames: vision.colourStats }));

      // Keyed by master content and analyser version: a re-run writes the same objects.
      const prefix = `analyses/${sha}/${analysis.analyserVersion}`;
      const keys = {
        mezzanineKey: `${prefix}/mezzanine.mp4`,
        proxyKey: `${prefix}/proxy.mp4`,
        spriteKey: `${prefix}/sprite.jpg`,
        matteKey: `${prefix}/matte.mkv`,
        cameraMotionKey: `${prefix}/camera-motion.json`,
        colourStatsKey: `${prefix}/colour-stats.json`,
      };
      await deps.store.putFile(keys.mezzanineKey, mezzanine, 'video/mp4');
      await deps.store.putFile(keys.proxyKey, proxy, 'video/mp4');
      await deps.store.putFile(keys.spriteKey, sprite, 'image/jpeg');
      await deps.store.putFile(keys.matteKey, mattePath, 'video/x-matroska');
      await deps.store.putFile(keys.cameraMotionKey, cameraPath, 'application/json');
      await deps.store.putFile(keys.colourStatsKey, statsPath, 'application/json');
      const measured = vision.cameraMotion.frames.filter((f) => f.confidence >= 0.4).length / Math.max(1, vision.cameraMotion.frames.length);
      result = { master: probe, colour, mezzanine: mz, frameCount: frames, ...keys, sprite: layout, matting: vision.matting, cameraMotionMeasured: measured };
    } finally {
      await rm(work, { recursive: true, force: true });
    }
    const released = await db.transaction(async (tx) => {
      await tx.query(`UPDATE analysis SET status = 'done', error = NULL, result = $2, stage = NULL, progress = NULL, updated_at = now() WHERE id = $1`, [
        analysis.id,
        JSON.stringify(result),
      ]);
      const [rows] = await tx.query(
        `UPDATE render SET status = 'queued', updated_at = now() WHERE analysis_id = $1 AND status = 'waiting' RETURNING render_key`,
        [analysis.id],
      );
      const keys = (rows as Array<{ render_key: string }>).map((r) => r.render_key);
      await insertOutbox(tx, keys.map((k) => ({ queue: 'render', jobId: k, payload: { renderKey: k } })));
      await releasePlaneTracks(tx, analysis.id);
      return keys;
    });
    deps.kickRelay();
    await announce(deps, sha).catch(() => undefined);
    for (const k of released) await publish(deps, k);
  } catch (e) {
    const deterministic = isDeterministic(e);
    if (deterministic || job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) {
      const reason = describeError(e);
      await failAnalysis(deps, analysis.id, reason);
      if (deterministic) throw new UnrecoverableError(reason);
    } else {
      await db.getRepository(AnalysisEntity).update({ id: analysis.id }, { status: 'queued', stage: null, progress: null });
    }
    throw e;
  }
}

/**
 * Marks an analysis failed with the reason and fails what waited for it
 * (renders, label planes), once: an analysis already done or failed is left
 * as it is. Called by the handler on its last attempt, and by the worker when
 * a job failed without the handler running at all (a sandboxed processor that
 * could not load), so renders never wait for an analysis that will not come.
 */
export async function failAnalysis(deps: Pick<WorkerDeps, 'db' | 'publisher' | 'config'>, analysisId: string, reason: string): Promise<boolean> {
  const outcome = await deps.db.transaction(async (tx) => {
    const [marked]: [Array<{ master_sha256: string }>, number] = await tx.query(
      `UPDATE analysis SET status = 'failed', error = $2, stage = NULL, progress = NULL, updated_at = now()
       WHERE id = $1 AND status NOT IN ('done', 'failed') RETURNING master_sha256`,
      [analysisId, reason],
    );
    if (!marked.length) return null;
    await tx.query(`UPDATE plane_track SET status = 'failed', error = $2, updated_at = now() WHERE analysis_id = $1 AND status = 'waiting'`, [
      analysisId,
      `analysis of the master failed: ${reason}`,
    ]);
    const [rows]: [Array<{ render_key: string }>, number] = await tx.query(
      `UPDATE render SET status = 'failed', error = $2, updated_at = now() WHERE analysis_id = $1 AND status = 'waiting' RETURNING render_key`,
      [analysisId, `analysis of the master failed: ${reason}`],
    );
    return { sha: marked[0].master_sha256, renders: rows.map((r) => r.render_key) };
  });
  if (!outcome) return false;
  await announce(deps, outcome.sha).catch(() => undefined);
  for (const k of outcome.renders) await publish(deps, k).catch(() => undefined);
  return true;
}

/**
 * Tracks one label plane through an analysed master from the producer's seed
 * quads. Only this plane's row changes: mattes, camera motion and every other
 * plane stay as they were.
 */
async function planeTrackJob(deps: WorkerDeps, job: AnalyzeJob, planeTrackId: string, signal: AbortSignal): Promise<void> {
  const { db } = deps;
  const track = await db.getRepository(PlaneTrackEntity).findOneBy({ id: planeTrackId });
  if (!track || track.status === 'done' || track.status === 'failed') return;
  const analysis = await db.getRepository(AnalysisEntity).findOneByOrFail({ id: track.analysisId });
  const r = analysis.result as unknown as AnalysisResult | null;
  if (analysis.status !== 'done' || !r) throw new Error(`plane "${track.plane}": the master's analysis is not done`);
  await db.getRepository(PlaneTrackEntity).update({ id: track.id }, { status: 'running' });
  try {
    const work = await mkdtemp(path.join(deps.config.workDir, 'plane-'));
    let resultKey: string;
    try {
      const mezzanine = path.join(work, 'mezzanine.mp4');
      await deps.store.getToFile(r.mezzanineKey, mezzanine);
      const cv = await loadOpenCv();
      const size = planeWorkSize(r.mezzanine.width, r.mezzanine.height);
      const out = await trackPlane(
        cv,
        deps.tools,
        mezzanine,
        { width: r.mezzanine.width, height: r.mezzanine.height, frameCount: r.frameCount, workWidth: size.width, workHeight: size.height },
        track.plane,
        track.seeds as Array<{ frame: number; quad: Quad }>,
        { signal },
      );
      const file = path.join(work, 'plane.json');
      await writeFile(file, JSON.stringify(out));
      resultKey = `analyses/${analysis.masterSha256}/${analysis.analyserVersion}/planes/${track.plane}-${track.seedsHash}.json`;
      await deps.store.putFile(resultKey, file, 'application/json');
    } finally {
      await rm(work, { recursive: true, force: true });
    }
    await db.getRepository(PlaneTrackEntity).update({ id: track.id }, { status: 'done', error: null, resultKey });
  } catch (e) {
    const deterministic = isDeterministic(e);
    if (deterministic || job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) {
      await db.getRepository(PlaneTrackEntity).update({ id: track.id }, { status: 'failed', error: describeError(e) });
      await announce(deps, analysis.masterSha256).catch(() => undefined);
      if (deterministic) throw new UnrecoverableError(describeError(e));
    } else {
      await db.getRepository(PlaneTrackEntity).update({ id: track.id }, { status: 'queued' });
    }
    throw e;
  }
  await announce(deps, analysis.masterSha256).catch(() => undefined);
}
