import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import type { AppConfig } from '@shotmatrix/config';
import { RENDER_EVENTS_CHANNEL, type RenderChangedMessage, type RenderJobPayload } from '@shotmatrix/contracts';
import { DomainError, layoutVariant } from '@shotmatrix/domain';
import { buildRenderArgs, countFrames, FfmpegError, probeVideo, runFfmpeg, type MediaTools } from '@shotmatrix/media';
import { AnalysisEntity, MasterShotEntity, PlateEntity, RenderEntity } from '@shotmatrix/persistence';
import type { AnalysisResult } from './analysis-result';
import { UnrecoverableError, type Job } from '@shotmatrix/queue';
import type { ObjectStore } from '@shotmatrix/storage';
import { renderLabelPng, type TemplateRegistry } from '@shotmatrix/templating';

export interface WorkerDeps {
  config: AppConfig;
  db: DataSource;
  store: ObjectStore;
  templates: TemplateRegistry;
  tools: MediaTools;
  publisher: Redis;
  /** Publishes outbox messages written by a handler (e.g. renders released by an analysis). */
  kickRelay: () => void;
}

/** Media problems are final; anything else (storage, database) is worth another attempt. */
export const isDeterministic = (e: unknown) => e instanceof DomainError || e instanceof FfmpegError;

export function describeError(e: unknown): string {
  if (e instanceof FfmpegError) return `ffmpeg could not render this variant: ${e.message}`;
  if (e instanceof Error) return e.message;
  return String(e);
}

/**
 * Renders one render key: one ffmpeg pass over the master writes the MP4 and
 * its thumbnail. Running the same job twice is harmless: a render that is
 * already done is left alone, and the result is committed only while the
 * render is still in progress.
 */
export async function renderJob(deps: WorkerDeps, job: Job<RenderJobPayload>, signal: AbortSignal): Promise<void> {
  const { db } = deps;
  const key = job.data.renderKey;
  // UPDATE … RETURNING comes back from TypeORM as [rows, count].
  const [claimed]: [Array<{ render_key: string }>, number] = await db.query(
    `UPDATE render SET status = 'rendering', attempts = attempts + 1, started_at = now(), updated_at = now()
     WHERE render_key = $1 AND status IN ('queued', 'rendering') RETURNING render_key`,
    [key],
  );
  if (!claimed.length) return;
  const render = await db.getRepository(RenderEntity).findOneByOrFail({ renderKey: key });
  await publish(deps, key);

  const final = () => job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
  try {
    const result = await produce(deps, render, signal);
    await db.query(
      `UPDATE render SET status = 'done', error = NULL, output_key = $2, thumbnail_key = $3, frame_count = $4, duration_s = $5,
         finished_at = now(), updated_at = now()
       WHERE render_key = $1 AND status = 'rendering'`,
      [key, result.outputKey, result.thumbnailKey, result.frameCount, result.durationS],
    );
    await publish(deps, key);
  } catch (e) {
    const deterministic = isDeterministic(e);
    const reason = describeError(e);
    if (deterministic || final()) {
      await db.query(`UPDATE render SET status = 'failed', error = $2, finished_at = now(), updated_at = now() WHERE render_key = $1`, [key, reason]);
    } else {
      await db.query(`UPDATE render SET status = 'queued', error = $2, updated_at = now() WHERE render_key = $1`, [key, `retrying: ${reason}`]);
    }
    await publish(deps, key);
    if (deterministic) throw new UnrecoverableError(reason);
    throw e;
  }
}

async function produce(deps: WorkerDeps, render: RenderEntity, signal: AbortSignal) {
  const { db, store, tools, config } = deps;
  const p = render.params;
  const master = await db.getRepository(MasterShotEntity).findOneByOrFail({ id: render.masterShotId });
  const analysis = render.analysisId ? await db.getRepository(AnalysisEntity).findOneBy({ id: render.analysisId }) : null;
  // Renders read the constant-rate mezzanine when the analysis made one; its frames are the shot's frames,
  // and the analysis already probed it, so thousands of renders need not probe it again.
  const made = analysis?.status === 'done' ? (analysis.result as Partial<AnalysisResult> | null) : null;
  const source = made?.mezzanineKey ?? master.storageKey;
  const expectedFrames = made?.frameCount ?? master.frameCount;
  const plate = p.plateId ? await db.getRepository(PlateEntity).findOneByOrFail({ id: p.plateId }) : null;
  const work = await mkdtemp(path.join(config.workDir, 'render-'));
  try {
    const masterPath = path.join(work, `master${path.extname(source)}`);
    await store.getToFile(source, masterPath);
    // Without an analysed mezzanine, probe what is actually on disk: storage may hold something other than what was uploaded.
    const probe = made?.mezzanine ?? (await probeVideo(tools, masterPath, { displayName: master.filename }));
    let platePath: string | undefined;
    if (plate) {
      platePath = path.join(work, `plate${path.extname(plate.storageKey)}`);
      await store.getToFile(plate.storageKey, platePath);
    }

    const template = await deps.templates.get(p.template);
    const layout = layoutVariant(probe, template.width / template.height);
    const label = renderLabelPng(template, p.fields, { width: layout.label.width });
    const labelPath = path.join(work, 'label.png');
    await writeFile(labelPath, label.png);

    const outputPath = path.join(work, 'output.mp4');
    const thumbPath = path.join(work, 'thumb.jpg');
    await runFfmpeg(
      tools,
      buildRenderArgs({
        masterPath,
        master: { width: probe.width, height: probe.height, fpsFraction: probe.fpsFraction, frameCount: probe.frameCount, hasAudio: probe.hasAudio },
        plate: platePath ? { path: platePath, insetScale: layout.insetScale } : undefined,
        label: { path: labelPath, x: layout.label.x, y: layout.label.y },
        output: { path: outputPath, ...layout.output, crf: 20, preset: 'veryfast' },
        thumbnail: { path: thumbPath, width: 480, frame: Math.floor(probe.frameCount / 2) },
      }),
      { signal },
    );

    const frames = await countFrames(tools, outputPath);
    if (frames !== expectedFrames) {
      throw new DomainError('FRAME_COUNT_MISMATCH', `the render has ${frames} frames but the master has ${expectedFrames}`);
    }
    const outProbe = await probeVideo(tools, outputPath);
    // Content-addressed keys: a second run of the same key writes the same objects.
    const outputKey = `renders/${render.renderKey}/output.mp4`;
    const thumbnailKey = `renders/${render.renderKey}/thumb.jpg`;
    await store.putFile(outputKey, outputPath, 'video/mp4');
    await store.putFile(thumbnailKey, thumbPath, 'image/jpeg');
    return { outputKey, thumbnailKey, frameCount: frames, durationS: outProbe.durationS };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

export async function publish(deps: Pick<WorkerDeps, 'publisher' | 'config'>, renderKey: string): Promise<void> {
  const msg: RenderChangedMessage = { renderKey };
  await deps.publisher.publish(`${deps.config.queuePrefix}:${RENDER_EVENTS_CHANNEL}`, JSON.stringify(msg));
}
