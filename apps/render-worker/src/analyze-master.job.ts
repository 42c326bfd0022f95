import { mkdtemp, rm } from 'node:fs/promises';
import * as path from 'node:path';
import type { AnalyzeJobPayload } from '@shotmatrix/contracts';
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
import { AnalysisEntity, insertOutbox, MasterShotEntity } from '@shotmatrix/persistence';
import { UnrecoverableError, type Job } from '@shotmatrix/queue';
import type { AnalysisResult } from './analysis-result';
import { describeError, isDeterministic, publish, type WorkerDeps } from './render-variant.job';


/**
 * Analyses a master once (per content hash and analyser version) and then
 * releases the renders waiting for it; a failed analysis fails them with the
 * reason. Today: measure the master, make its constant-rate mezzanine, a 540p
 * proxy and a scrub sprite. Mattes, camera motion and label planes join here.
 */
export async function analyzeJob(deps: WorkerDeps, job: Job<AnalyzeJobPayload>, signal: AbortSignal): Promise<void> {
  const { db } = deps;
  const analysis = await db.getRepository(AnalysisEntity).findOneBy({ id: job.data.analysisId });
  if (!analysis || analysis.status === 'done' || analysis.status === 'failed') return;
  await db.getRepository(AnalysisEntity).update({ id: analysis.id }, { status: 'running' });
  try {
    const master = await db.getRepository(MasterShotEntity).findOneOrFail({ where: { sha256: analysis.masterSha256 }, order: { createdAt: 'DESC' } });
    const work = await mkdtemp(path.join(deps.config.workDir, 'analyze-'));
    let result: AnalysisResult;
    try {
      const file = path.join(work, `master${path.extname(master.storageKey)}`);
      await deps.store.getToFile(master.storageKey, file);
      const probe = await probeVideo(deps.tools, file, { displayName: master.filename, signal });
      const colour = await probeColour(deps.tools, file);
      const mezzanine = path.join(work, 'mezzanine.mp4');
      await runFfmpeg(deps.tools, buildMezzanineArgs({ inputPath: file, outputPath: mezzanine, fpsFraction: probe.fpsFraction, colour, hasAudio: probe.hasAudio }), { signal });
      const mz = await probeVideo(deps.tools, mezzanine, { displayName: `${master.filename} (mezzanine)`, signal });
      const frames = await countFrames(deps.tools, mezzanine);
      const proxy = path.join(work, 'proxy.mp4');
      await runFfmpeg(deps.tools, buildProxyArgs({ inputPath: mezzanine, outputPath: proxy, hasAudio: mz.hasAudio }), { signal });
      const layout = spriteLayout(mz);
      const sprite = path.join(work, 'sprite.jpg');
      await runFfmpeg(deps.tools, buildSpriteArgs({ inputPath: mezzanine, outputPath: sprite, layout }), { signal });
      // Keyed by master content and analyser version: a re-run writes the same objects.
      const prefix = `analyses/${analysis.masterSha256}/${analysis.analyserVersion}`;
      const keys = { mezzanineKey: `${prefix}/mezzanine.mp4`, proxyKey: `${prefix}/proxy.mp4`, spriteKey: `${prefix}/sprite.jpg` };
      await deps.store.putFile(keys.mezzanineKey, mezzanine, 'video/mp4');
      await deps.store.putFile(keys.proxyKey, proxy, 'video/mp4');
      await deps.store.putFile(keys.spriteKey, sprite, 'image/jpeg');
      result = { master: probe, colour, mezzanine: mz, frameCount: frames, ...keys, sprite: layout };
    } finally {
      await rm(work, { recursive: true, force: true });
    }
    const released = await db.transaction(async (tx) => {
      await tx.query(`UPDATE analysis SET status = 'done', error = NULL, result = $2, updated_at = now() WHERE id = $1`, [analysis.id, JSON.stringify(result)]);
      const [rows] = await tx.query(
        `UPDATE render SET status = 'queued', updated_at = now() WHERE analysis_id = $1 AND status = 'waiting' RETURNING render_key`,
        [analysis.id],
      );
      const keys = (rows as Array<{ render_key: string }>).map((r) => r.render_key);
      await insertOutbox(tx, keys.map((k) => ({ queue: 'render', jobId: k, payload: { renderKey: k } })));
      return keys;
    });
    deps.kickRelay();
    for (const k of released) await publish(deps, k);
  } catch (e) {
    const deterministic = isDeterministic(e);
    if (deterministic || job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) {
      const reason = describeError(e);
      const failed = await db.transaction(async (tx) => {
        await tx.query(`UPDATE analysis SET status = 'failed', error = $2, updated_at = now() WHERE id = $1`, [analysis.id, reason]);
        const [rows] = await tx.query(
          `UPDATE render SET status = 'failed', error = $2, updated_at = now() WHERE analysis_id = $1 AND status = 'waiting' RETURNING render_key`,
          [analysis.id, `analysis of the master failed: ${reason}`],
        );
        return (rows as Array<{ render_key: string }>).map((r) => r.render_key);
      });
      for (const k of failed) await publish(deps, k);
      if (deterministic) throw new UnrecoverableError(reason);
    } else {
      await db.getRepository(AnalysisEntity).update({ id: analysis.id }, { status: 'queued' });
    }
    throw e;
  }
}
