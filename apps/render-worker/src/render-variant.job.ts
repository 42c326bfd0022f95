import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import type { AppConfig } from '@shotmatrix/config';
import { VARIANT_EVENTS_CHANNEL, type RenderJobPayload, type VariantChangedMessage } from '@shotmatrix/contracts';
import { DomainError, layoutVariant } from '@shotmatrix/domain';
import { buildRenderArgs, countFrames, FfmpegError, probeVideo, runFfmpeg, type MediaTools } from '@shotmatrix/media';
import { MasterShotEntity, PlateEntity, RenderJobEntity, VariantEntity } from '@shotmatrix/persistence';
import { UnrecoverableError } from '@shotmatrix/queue';
import type { ObjectStore } from '@shotmatrix/storage';
import { renderLabelPng, type TemplateRegistry } from '@shotmatrix/templating';

export interface RenderDeps {
  config: AppConfig;
  db: DataSource;
  store: ObjectStore;
  templates: TemplateRegistry;
  tools: MediaTools;
  publisher: Redis;
}

/**
 * Renders one variant: one ffmpeg pass over the master writes the MP4 and
 * its thumbnail. Problems with the media itself (corrupt master, frame count
 * drift) fail the variant at once with the reason; anything else (storage,
 * database) is retried by the queue.
 */
export async function renderVariantJob(deps: RenderDeps, job: Job<RenderJobPayload>, signal: AbortSignal): Promise<void> {
  const { db } = deps;
  const jobId = job.id as string;
  const row = await db.getRepository(RenderJobEntity).findOneBy({ id: jobId });
  const variant = await db.getRepository(VariantEntity).findOneBy({ id: job.data.variantId });
  // A newer expansion superseded this job, or the cell left the matrix: nothing to do.
  if (!row || row.status === 'superseded' || !variant || variant.renderKey !== job.data.renderKey) return;

  const final = () => job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
  try {
    await db.getRepository(RenderJobEntity).update({ id: jobId }, { status: 'active', startedAt: new Date(), attempts: job.attemptsMade + 1 });
    await setVariant(deps, variant, { status: 'rendering', error: null });
    const result = await render(deps, variant, signal);
    await db.transaction(async (tx) => {
      // Conditional on the render key: a result for an outdated key is kept in storage but not shown.
      const updated = await tx.update(
        VariantEntity,
        { id: variant.id, renderKey: job.data.renderKey },
        { status: 'done', error: null, ...result },
      );
      await tx.update(RenderJobEntity, { id: jobId }, { status: updated.affected ? 'done' : 'superseded', finishedAt: new Date() });
    });
    await publish(deps, variant);
  } catch (e) {
    const deterministic = e instanceof DomainError || e instanceof FfmpegError;
    if (deterministic || final()) {
      const reason = describe(e);
      await db.getRepository(RenderJobEntity).update({ id: jobId }, { status: 'failed', error: reason, finishedAt: new Date() });
      await setVariant(deps, variant, { status: 'failed', error: reason }, job.data.renderKey);
      if (deterministic) throw new UnrecoverableError(reason);
    } else {
      await setVariant(deps, variant, { status: 'queued', error: `retrying: ${describe(e)}` }, job.data.renderKey);
    }
    throw e;
  }
}

async function render(deps: RenderDeps, variant: VariantEntity, signal: AbortSignal) {
  const { db, store, tools, config } = deps;
  const master = await db.getRepository(MasterShotEntity).findOneByOrFail({ id: variant.params.masterShotId });
  const plate = variant.params.plateId ? await db.getRepository(PlateEntity).findOneByOrFail({ id: variant.params.plateId }) : null;
  const work = await mkdtemp(path.join(config.workDir, 'render-'));
  try {
    const masterPath = path.join(work, `master${path.extname(master.storageKey)}`);
    await store.getToFile(master.storageKey, masterPath);
    // Re-probe what is actually on disk: storage may hold something other than what was uploaded.
    const probe = await probeVideo(tools, masterPath);
    let platePath: string | undefined;
    if (plate) {
      platePath = path.join(work, `plate${path.extname(plate.storageKey)}`);
      await store.getToFile(plate.storageKey, platePath);
    }

    const template = await deps.templates.get(variant.params.template);
    const layout = layoutVariant(probe, template.width / template.height);
    const label = renderLabelPng(template, variant.params.fields, { width: layout.label.width });
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
    if (frames !== master.frameCount) {
      throw new DomainError('FRAME_COUNT_MISMATCH', `the render has ${frames} frames but the master has ${master.frameCount}`);
    }
    const outProbe = await probeVideo(tools, outputPath);
    const outputKey = `variants/${variant.renderKey}/output.mp4`;
    const thumbnailKey = `variants/${variant.renderKey}/thumb.jpg`;
    await store.putFile(outputKey, outputPath, 'video/mp4');
    await store.putFile(thumbnailKey, thumbPath, 'image/jpeg');
    return { outputKey, thumbnailKey, frameCount: frames, durationS: outProbe.durationS };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function setVariant(deps: RenderDeps, variant: VariantEntity, change: Partial<VariantEntity>, renderKey = variant.renderKey): Promise<void> {
  await deps.db.getRepository(VariantEntity).update({ id: variant.id, renderKey }, change);
  await publish(deps, variant);
}

async function publish(deps: RenderDeps, variant: VariantEntity): Promise<void> {
  const msg: VariantChangedMessage = { campaignId: variant.campaignId, variantId: variant.id };
  await deps.publisher.publish(`${deps.config.queuePrefix}:${VARIANT_EVENTS_CHANNEL}`, JSON.stringify(msg));
}

function describe(e: unknown): string {
  if (e instanceof FfmpegError) return `ffmpeg could not render this variant: ${e.message}`;
  if (e instanceof Error) return e.message;
  return String(e);
}
