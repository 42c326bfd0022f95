import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import type { AppConfig } from '@shotmatrix/config';
import {
  buildCompositeArgs,
  LIGHT_WRAP_RADIUS,
  harmoniseSubject,
  medianStats,
  OUTPUT_FILE,
  planPlateView,
  type CompositePlan,
  type Environment,
  type YuvAffine,
} from '@shotmatrix/compositor';
import {
  RENDER_EVENTS_CHANNEL,
  type CameraMotionTrack,
  type ColourStatsFrame,
  type QcCheck,
  type RenderChangedMessage,
  type RenderJobPayload,
} from '@shotmatrix/contracts';
import { DEFAULT_COMPOSITE_SETTINGS, DomainError, IDENTITY, layoutVariant, mixCubeLut, scaleMotion, type CompositeSettings } from '@shotmatrix/domain';
import { countFrames, FfmpegError, probeVideo, readFrames, runFfmpeg, type MediaTools } from '@shotmatrix/media';
import { AnalysisEntity, MasterShotEntity, PlateEntity, RenderEntity, type RenderParams } from '@shotmatrix/persistence';
import { measureVariant, qcSize } from '@shotmatrix/qc';
import { colourStats, loadOpenCv } from '@shotmatrix/vision';
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
         outputs = $6, qc = $7, finished_at = now(), updated_at = now()
       WHERE render_key = $1 AND status = 'rendering'`,
      [key, result.outputKey, result.thumbnailKey, result.frameCount, result.durationS, JSON.stringify(result.outputs), JSON.stringify(result.qc)],
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
  const settings = p.settings ?? DEFAULT_COMPOSITE_SETTINGS;
  const master = await db.getRepository(MasterShotEntity).findOneByOrFail({ id: render.masterShotId });
  const analysis = render.analysisId ? await db.getRepository(AnalysisEntity).findOneBy({ id: render.analysisId }) : null;
  // Renders read the constant-rate mezzanine when the analysis made one; its frames are the shot's frames,
  // and the analysis already probed it, so thousands of renders need not probe it again.
  const made = analysis?.status === 'done' ? (analysis.result as Partial<AnalysisResult> | null) : null;
  const source = made?.mezzanineKey ?? master.storageKey;
  const plate = p.plateId ? await db.getRepository(PlateEntity).findOneByOrFail({ id: p.plateId }) : null;
  if (plate && !made?.matteKey) {
    throw new DomainError('RENDER_NO_MATTE', 'this variant replaces the background, but the master has no matte: its analysis has not run or predates mattes');
  }
  if (p.lut && !p.lutKey) {
    throw new DomainError('RENDER_NO_LUT', `market grade "${p.lut}" was named before LUTs were uploaded; upload it and expand the matrix again`);
  }
  const work = await mkdtemp(path.join(config.workDir, 'render-'));
  try {
    const get = async (key: string, name: string) => {
      const local = path.join(work, `${name}${path.extname(key)}`);
      await store.getToFile(key, local);
      return local;
    };
    const masterPath = await get(source, 'master');
    // Without an analysed mezzanine, probe what is actually on disk: storage may hold something other than what was uploaded.
    const probe = made?.mezzanine ?? (await probeVideo(tools, masterPath, { displayName: master.filename }));
    const frame = { width: probe.width, height: probe.height };
    const mattePath = made?.matteKey ? await get(made.matteKey, 'matte') : null;
    const lutPath = p.lutKey ? await get(p.lutKey, 'grade') : null;

    const environment = plate && mattePath ? await planEnvironment(deps, work, made!, plate, mattePath, frame, probe.frameCount, p, settings) : null;
    const template = await deps.templates.get(p.template);
    const layout = layoutVariant(probe, template.width / template.height);
    const label = renderLabelPng(template, p.fields, { width: layout.label.width });
    const labelPath = path.join(work, 'label.png');
    await writeFile(labelPath, label.png);

    const s = p.structureAdherence;
    // The subject's share of the frame grade, premixed into one LUT: one lookup a frame instead of a grade and a blend.
    let subjectLutPath: string | null = null;
    const subjectAmount = settings.gradeFrame * (1 - s);
    if (lutPath && subjectAmount > 0) {
      subjectLutPath = path.join(work, 'subject-grade.cube');
      await writeFile(subjectLutPath, mixCubeLut(await readFile(lutPath, 'utf8'), subjectAmount));
    }
    // Deliverables get their own folder: their names (master.mp4, …) may be those of the downloaded inputs.
    const outDir = path.join(work, 'out');
    await mkdir(path.join(outDir, 'exr'), { recursive: true });
    const outputs = settings.outputs.map((kind) => ({ kind, path: path.join(outDir, OUTPUT_FILE[kind]) }));
    const plan: CompositePlan = {
      master: { path: masterPath, width: probe.width, height: probe.height, fpsFraction: probe.fpsFraction, frameCount: probe.frameCount, hasAudio: probe.hasAudio },
      environment: environment?.env ?? null,
      grade: lutPath ? { lutPath, plateAmount: settings.gradePlate, frameAmount: settings.gradeFrame } : null,
      structureAdherence: s,
      subjectLutPath,
      harmonise: environment?.harmonise ?? null,
      layers: [{ path: labelPath, x: layout.label.x, y: layout.label.y, from: 0, to: probe.frameCount - 1 }],
      outputs,
      encode: { crf: 20, preset: 'veryfast' },
      thumbnail: { path: path.join(work, 'thumb.jpg'), width: 480, frame: Math.floor(probe.frameCount / 2) },
      qcTap: { path: path.join(work, 'qc.mkv'), ...qcSize(probe.width, probe.height) },
    };
    const graphPath = path.join(work, 'graph.txt');
    const cmd = buildCompositeArgs(plan, graphPath);
    await writeFile(graphPath, cmd.graph);
    await runFfmpeg(tools, cmd.args, { signal });

    // The board plays the 1080p master when there is one, else the draft.
    const playable = outputs.find((o) => o.kind === 'master') ?? outputs.find((o) => o.kind === 'draft')!;
    const outProbe = await probeVideo(tools, playable.path);
    const frames = await countFrames(tools, playable.path);
    const qc = await measureVariant(tools, {
      masterPath,
      master: probe,
      mattePath,
      compositePath: plan.qcTap!.path,
      output: { frameCount: frames, fpsFraction: outProbe.fpsFraction, durationS: outProbe.durationS },
      structureAdherence: s,
      edgeMarginPx: environment ? settings.choke + settings.feather + (settings.lightWrap > 0 ? LIGHT_WRAP_RADIUS(frame) * 2 : 0) : 0,
      layerBoxes: [{ x: layout.label.x, y: layout.label.y, width: label.width, height: label.height }],
      lockFrames: master.keyframes.filter((k) => k.kind === 'lock').map((k) => k.frame),
      heatmapPath: path.join(work, 'heatmap.png'),
      signal,
    });
    if (frames !== probe.frameCount) {
      throw new DomainError('FRAME_COUNT_MISMATCH', `the render has ${frames} frames but the master has ${probe.frameCount}`);
    }

    // Content-addressed keys: a second run of the same key writes the same objects.
    const prefix = `renders/${render.renderKey}`;
    const stored: Record<string, string> = {};
    for (const o of outputs) {
      if (o.kind === 'exr') {
        const dir = path.join(outDir, 'exr');
        const files = (await readdir(dir)).sort();
        for (const f of files) await store.putFile(`${prefix}/exr/${f}`, path.join(dir, f), 'image/x-exr');
        // The first frame stands for the sequence; its siblings are numbered from 00000.
        stored.exr = `${prefix}/exr/${files[0]}`;
      } else {
        const key = `${prefix}/${path.basename(o.path)}`;
        await store.putFile(key, o.path, o.kind === 'prores' ? 'video/quicktime' : 'video/mp4');
        stored[o.kind] = key;
      }
    }
    const thumbnailKey = `${prefix}/thumb.jpg`;
    await store.putFile(thumbnailKey, plan.thumbnail.path, 'image/jpeg');
    const heatmapKey = `${prefix}/qc-heatmap.png`;
    await store.putFile(heatmapKey, path.join(work, 'heatmap.png'), 'image/png');
    const checks = [...qc.checks, ...unmeasured(environment !== null)];
    const report = { passed: checks.every((c) => c.status !== 'fail'), checks, heatmapKey, measuredAt: new Date().toISOString() };
    return { outputKey: stored[playable.kind], outputs: stored, thumbnailKey, frameCount: frames, durationS: outProbe.durationS, qc: report };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Checks this renderer does not make yet: said plainly on every report rather than passed silently. */
function unmeasured(_hasEnvironment: boolean): QcCheck[] {
  return [
    { name: 'copy-ocr', status: 'not-checked', detail: 'OCR of the rendered copy against the copy deck is not built yet' },
    { name: 'legal-line', status: 'not-checked', detail: 'legal lines and supers are not rendered by this version; nothing to time' },
    { name: 'safe-areas', status: 'not-checked', detail: 'safe-area layout per aspect is not built yet; the label sits in the title-safe corner' },
  ];
}

/**
 * The plate's part of the plan: the camera track scaled by motion adherence,
 * the crop that keeps every frame covered, and the subject's pull toward the
 * plate's colours by (1 − structure adherence).
 */
async function planEnvironment(
  deps: WorkerDeps,
  work: string,
  made: Partial<AnalysisResult>,
  plate: PlateEntity,
  mattePath: string,
  frame: { width: number; height: number },
  frameCount: number,
  p: RenderParams,
  settings: CompositeSettings,
): Promise<{ env: Environment; harmonise: YuvAffine | null }> {
  const { store, tools } = deps;
  const platePath = path.join(work, `plate${path.extname(plate.storageKey)}`);
  await store.getToFile(plate.storageKey, platePath);
  const track = made.cameraMotionKey ? (JSON.parse((await readObject(store, made.cameraMotionKey)).toString('utf8')) as CameraMotionTrack) : null;
  if (track && track.frames.length !== frameCount) {
    throw new DomainError('RENDER_MOTION_MISMATCH', `the camera track has ${track.frames.length} frames, the mezzanine ${frameCount}; re-analyse the master`);
  }
  const motion = track ? track.frames.map((f) => scaleMotion(f.h, p.motionAdherence, frame)) : [];
  const env: Environment = {
    mattePath,
    plate: { kind: 'image', path: platePath, width: plate.width, height: plate.height },
    view: planPlateView(plate, frame, motion.length ? motion : [IDENTITY]),
    motion,
    chokePx: settings.choke,
    featherPx: settings.feather,
    lightWrap: settings.lightWrap,
    effects: [],
  };
  let harmonise: YuvAffine | null = null;
  if (p.structureAdherence < 1 && settings.harmonise > 0 && made.colourStatsKey) {
    const stats = JSON.parse((await readObject(store, made.colourStatsKey)).toString('utf8')) as { frames: ColourStatsFrame[] };
    const subject = medianStats(stats.frames.map((f) => f.foreground));
    const cv = await loadOpenCv();
    const small = { width: 320, height: Math.max(2, 2 * Math.round((160 * plate.height) / plate.width)) };
    for await (const rgb of readFrames(tools, platePath, { ...small, pixelFormat: 'rgb24' })) {
      const plateStats = colourStats(cv, rgb, small.width, small.height).all;
      if (subject) harmonise = harmoniseSubject(subject, plateStats, p.structureAdherence, settings.harmonise);
    }
  }
  return { env, harmonise };
}

async function readObject(store: ObjectStore, key: string): Promise<Buffer> {
  const body = await store.getStream(key);
  const chunks: Buffer[] = [];
  for await (const c of body.body as AsyncIterable<Buffer>) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

export async function publish(deps: Pick<WorkerDeps, 'publisher' | 'config'>, renderKey: string): Promise<void> {
  const msg: RenderChangedMessage = { renderKey };
  await deps.publisher.publish(`${deps.config.queuePrefix}:${RENDER_EVENTS_CHANNEL}`, JSON.stringify(msg));
}
