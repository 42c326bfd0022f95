import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import type { AppConfig } from '@shotmatrix/config';
import {
  buildCompositeArgs,
  environmentFor,
  LIGHT_WRAP_RADIUS,
  harmoniseSubject,
  lutPremixes,
  medianStats,
  OCCLUSION_THRESHOLD,
  planeRasterSizes,
  OUTPUT_FILE,
  planeCanvas,
  variantPlan,
  type PlaneLabel,
  type Environment,
  type StillLayer,
  type YuvAffine,
} from '@shotmatrix/compositor';
import {
  RENDER_EVENTS_CHANNEL,
  type CameraMotionTrack,
  type ColourStatsFrame,
  type PlaneTrack,
  type Quad,
  type QcCheck,
  type RenderChangedMessage,
  type RenderJobPayload,
} from '@shotmatrix/contracts';
import {
  DEFAULT_COMPOSITE_SETTINGS,
  DomainError,
  followSubject,
  layoutVariant,
  mixCubeLut,
  parseAspect,
  placeOverlay,
  SAME_ASPECT_TOLERANCE,
  titleSafe,
  scaleMotion,
  type CompositeSettings,
  type Mat3,
  type ReframeWindow,
} from '@shotmatrix/domain';
import { buildEffectLayerArgs, countFrames, FfmpegError, probeImage, probeVideo, readFrames, runFfmpeg, writeRgbaPng, type MediaTools } from '@shotmatrix/media';
import { AnalysisEntity, MasterShotEntity, PlaneTrackEntity, PlateEntity, RenderEntity, type RenderParams } from '@shotmatrix/persistence';
import { copyOcrCheck, legalLineCheck, measureVariant, planeCopyFrame, safeAreaCheck, type PlacedLayer } from '@shotmatrix/qc';
import { colourStats, loadOpenCv, matteCentroids, OcrModelError, planeSeedLook, planeWorkSize, trackPlane, type Ocr } from '@shotmatrix/vision';
import { withIntermediates } from './intermediates';
import { processOcr, readCopy, type CopyItem } from './read-copy';
import type { AnalysisResult } from './analysis-result';
import { UnrecoverableError, type Job } from '@shotmatrix/queue';
import type { ObjectStore } from '@shotmatrix/storage';
import { renderLabelPng, selectLayout, type DrawnText, type RasterImage, type TemplateField, type TemplateRegistry } from '@shotmatrix/templating';

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

/** What the render handler uses of a job: the same in-process and in a sandboxed child. */
export type RenderJob = Pick<Job<RenderJobPayload>, 'data' | 'attemptsMade' | 'opts'>;

/**
 * Renders one render key: one ffmpeg pass over the master writes the MP4 and
 * its thumbnail. Running the same job twice is harmless: a render that is
 * already done is left alone, and the result is committed only while the
 * render is still in progress.
 */
export async function renderJob(deps: WorkerDeps, job: RenderJob, signal: AbortSignal): Promise<void> {
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
    // A cancelled render is not tried again: whoever cancelled it meant it.
    const deterministic = isDeterministic(e) || signal.aborted;
    const reason = signal.aborted ? `cancelled: ${describeError(signal.reason ?? e)}` : describeError(e);
    // Only while the render is still ours ('rendering'): ops may have cancelled it meanwhile, and a
    // retry must not bring a cancelled render back, nor a second "failed" announce it twice.
    const [changed]: [unknown[], number] =
      deterministic || final()
        ? await db.query(`UPDATE render SET status = 'failed', error = $2, finished_at = now(), updated_at = now() WHERE render_key = $1 AND status = 'rendering' RETURNING render_key`, [key, reason])
        : await db.query(`UPDATE render SET status = 'queued', error = $2, updated_at = now() WHERE render_key = $1 AND status = 'rendering' RETURNING render_key`, [key, `retrying: ${reason}`]);
    if (!changed.length) throw new UnrecoverableError(`the render left 'rendering' while it ran (cancelled?): ${reason}`);
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
    const lutText = lutPath ? await readFile(lutPath, 'utf8') : null;

    const s = p.structureAdherence;
    const fromPlate = plate && mattePath ? await plateInputs(deps, work, made!, plate, frame, probe.frameCount, p, settings) : null;
    // Effect layers sit behind the subject, so they need its matte; without one they cannot be placed.
    if (p.effects?.length && !mattePath) {
      throw new DomainError('RENDER_NO_MATTE', 'effect layers go between the background and the subject, which needs the master analysed with a matte');
    }
    const effects: StillLayer[] = [];
    for (const [i, fx] of (p.effects ?? []).entries()) {
      const layer = path.join(work, `effect-${i}.png`);
      await runFfmpeg(tools, buildEffectLayerArgs({ inputPath: await get(fx.key, `effect-src-${i}`), ...frame, opacity: fx.opacity, outputPath: layer }), { signal });
      effects.push({ path: layer, x: 0, y: 0, from: fx.from, to: fx.to });
    }
    const environment = environmentFor({
      mattePath,
      plate: fromPlate?.plate ?? null,
      motion: fromPlate?.motion ?? [],
      frame,
      settings,
      structureAdherence: s,
      graded: !!lutPath,
      effects,
    });
    const reframe = await planReframe(deps, p.aspect, frame, mattePath, probe.fps, signal);
    const outFrame = reframe ?? frame;
    // Timed overlays (supers, legal lines, end cards) in the output frame's title-safe area.
    const overlays = await renderOverlays(deps, work, p, outFrame);
    const legalTop = Math.min(...overlays.filter((o) => o.role === 'legal').map((o) => o.y), outFrame.height);
    const safe = titleSafe(outFrame);
    const reserve = Math.max(0, safe.y + safe.height - legalTop + Math.round(outFrame.height * 0.01));
    // Templates are laid out for the output's orientation (a portrait card in 9:16, …).
    const baseTemplate = await deps.templates.get(p.template);
    const template = selectLayout(baseTemplate, outFrame.width / outFrame.height);
    // The label is the template filled with the market's copy, or the cell's packshot image in its place.
    const packshot = p.packshotKey ? await loadPackshot(tools, await get(p.packshotKey, 'packshot'), work, signal) : null;
    const labelArt: LabelArt = packshot ?? { aspect: template.width / template.height, at: async (width) => renderLabelPng(template, p.fields, { width }) };
    // On a plane the label takes the layout that fits the plane's own shape where it was drawn.
    const planeArt = (shape: number): LabelArt => {
      if (packshot) return packshot;
      const t = selectLayout(baseTemplate, shape);
      return { aspect: t.width / t.height, at: async (width) => renderLabelPng(t, p.fields, { width }) };
    };
    const layout = layoutVariant(outFrame, labelArt.aspect, overlays.some((o) => o.role === 'legal') ? reserve : 0);
    const onPlane = p.labelPlane && settings.labelPlane ? p.labelPlane : null;
    const planeLabel = onPlane
      ? await planPlaneLabel(deps, work, render, masterPath, mattePath, probe, onPlane, planeArt, p, signal)
      : null;
    // The corner label, drawn only when the label is not on its plane.
    const label = planeLabel ? null : await labelArt.at(layout.label.width);
    const labelPath = path.join(work, 'label.png');
    if (label) await writeFile(labelPath, label.png);
    const canvas = planeLabel ? planeCanvas(planeLabel.quads, frame) : null;

    // The grade's premixed LUTs (compositor's lutPremixes): one lookup a frame each.
    const premix = lutPremixes(settings, s, environment);
    const writeLut = async (name: string, amount: number) => {
      if (!lutText || amount <= 0) return null;
      const file = path.join(work, name);
      await writeFile(file, mixCubeLut(lutText, amount));
      return file;
    };
    // Deliverables get their own folder: their names (master.mp4, …) may be those of the downloaded inputs.
    const outDir = path.join(work, 'out');
    await mkdir(path.join(outDir, 'exr'), { recursive: true });
    const outputs = settings.outputs.map((kind) => ({ kind, path: path.join(outDir, OUTPUT_FILE[kind]) }));
    const masterInput = { path: masterPath, width: probe.width, height: probe.height, fpsFraction: probe.fpsFraction, frameCount: probe.frameCount, hasAudio: probe.hasAudio };
    // What cells share (the moved plate, the shaped matte, the occlusion key) is made once, by the first cell
    // that needs it, and read by the rest: one more cell of a market costs little more than its encode.
    const shared = await withIntermediates(
      { store, tools, redis: deps.publisher, leasePrefix: config.queuePrefix },
      work,
      {
        master: masterInput,
        environment,
        grade: lutPath ? { lutPath, plateAmount: settings.gradePlate, frameAmount: settings.gradeFrame } : null,
        planeLabel,
        deliverables: settings.outputs,
        sources: { master: source, matte: made?.matteKey ?? null, plate: plate?.sha256 ?? null, lut: p.lutKey ?? null },
      },
      signal,
    );
    const plan = variantPlan({
      master: masterInput,
      settings,
      structureAdherence: s,
      environment: shared.environment,
      grade: lutPath ? { lutPath, subjectLutPath: await writeLut('subject-grade.cube', premix.subject), frameLutPath: await writeLut('frame-grade.cube', premix.frame) } : null,
      harmonise: fromPlate?.harmonise ?? null,
      reframe,
      planeLabel: shared.planeLabel,
      // The label goes onto its plane when the cell names one, else into the title-safe corner.
      layers: [
        ...(label ? [{ path: labelPath, x: layout.label.x, y: layout.label.y, from: 0, to: probe.frameCount - 1 }] : []),
        ...overlays.map((o) => ({ path: o.path, x: o.x, y: o.y, from: o.from, to: o.to })),
      ],
      outputs,
      workDir: work,
      filterThreads: config.render.filterThreads || undefined,
    });
    const graphPath = path.join(work, 'graph.txt');
    const cmd = buildCompositeArgs(plan, graphPath);
    await writeFile(graphPath, cmd.graph);
    await runFfmpeg(tools, cmd.args, { signal });

    // The board plays the 1080p master when there is one, else the draft.
    const playable = outputs.find((o) => o.kind === 'master') ?? outputs.find((o) => o.kind === 'draft')!;
    const outProbe = await probeVideo(tools, playable.path);
    const frames = await countFrames(tools, playable.path);
    if (frames !== probe.frameCount) {
      throw new DomainError('FRAME_COUNT_MISMATCH', `the render has ${frames} frames but the master has ${probe.frameCount}`);
    }
    const qc = await measureVariant(tools, {
      masterPath,
      master: probe,
      mattePath,
      compositePath: plan.qcTap!.path,
      output: { frameCount: frames, fpsFraction: outProbe.fpsFraction, durationS: outProbe.durationS },
      structureAdherence: s,
      // A label on the plane changes those pixels on purpose; the lock is measured around it.
      layerBoxes: canvas ? [canvas] : [],
      edgeMarginPx: environment ? settings.choke + settings.feather + (settings.lightWrap > 0 ? LIGHT_WRAP_RADIUS(frame) * 2 : 0) : 0,
      lockFrames: master.keyframes.filter((k) => k.kind === 'lock').map((k) => k.frame),
      heatmapPath: path.join(work, 'heatmap.png'),
      signal,
    });

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
    const placed: PlacedLayer[] = [
      ...(label ? [{ name: 'label', x: layout.label.x, y: layout.label.y, width: label.width, height: label.height }] : []),
      ...overlays.map((o) => ({ name: `${o.role} ${o.template}`, x: o.x, y: o.y, width: o.width, height: o.height })),
    ];
    // The copy read back from the delivered file: the corner label or the label on its plane, and each super.
    // Each field with the size it was set at (the smallest text showing it), scaled to the output frame.
    const fieldsOf = (fields: TemplateField[], texts: DrawnText[], scale = 1) =>
      fields.flatMap((f) => (p.fields[f.name]?.trim() ? [{ field: f.name, expected: p.fields[f.name], sizePx: setSize(p.fields[f.name], texts) * scale }] : []));
    const mid = Math.floor(probe.frameCount / 2);
    const copyItems: CopyItem[] = [];
    if (label && !packshot) copyItems.push({ overlay: 'label', fields: fieldsOf(template.fields, label.texts), frame: mid, box: { ...layout.label, width: label.width, height: label.height } });
    if (!packshot && planeLabel) {
      // The tracked frame nearest the middle (in a reframed cell, one that shows the plane whole), unwarped to the
      // label's own rectangle.
      const where = planeCopyFrame(planeLabel.quads, reframe, mid);
      if (where && 'frame' in where) {
        // Set at the label's raster size, seen at the plane's size on that frame.
        const q = where.quad;
        const seenWidth = (Math.hypot(q[1][0] - q[0][0], q[1][1] - q[0][1]) + Math.hypot(q[2][0] - q[3][0], q[2][1] - q[3][1])) / 2;
        copyItems.push({ overlay: 'label', fields: fieldsOf(template.fields, planeLabel.texts, seenWidth / planeLabel.size.width), frame: where.frame, plane: { quad: q, size: planeLabel.size } });
      } else if (where) {
        copyItems.push({ overlay: 'label', fields: fieldsOf(template.fields, planeLabel.texts), frame: mid, skip: where.unreadable });
      }
    }
    for (const o of overlays) copyItems.push({ overlay: `${o.role} ${o.template}`, fields: fieldsOf(o.fields, o.texts), frame: Math.floor((o.from + o.to) / 2), box: o });
    const checks = [
      ...qc.checks,
      await copyCheck(deps, { path: playable.path, width: outProbe.width, height: outProbe.height }, outFrame, copyItems, signal),
      legalLineCheck(overlays.filter((o) => o.role === 'legal'), probe.fps, settings.legalMinSeconds),
      safeAreaCheck(outFrame, placed),
    ];
    const report = { passed: checks.every((c) => c.status !== 'fail'), checks, heatmapKey, measuredAt: new Date().toISOString() };
    return { outputKey: stored[playable.kind], outputs: stored, thumbnailKey, frameCount: frames, durationS: outProbe.durationS, qc: report };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

interface RenderedOverlay {
  template: string;
  role: 'super' | 'legal' | 'endcard';
  path: string;
  x: number;
  y: number;
  width: number;
  height: number;
  from: number;
  to: number;
  /** The template's fields and the copy as set, with its size in output pixels (for QC's OCR). */
  fields: TemplateField[];
  texts: DrawnText[];
}

/** Rasterises each timed overlay from its template with the cell's copy, sized and placed for the output frame. */
async function renderOverlays(deps: WorkerDeps, work: string, p: RenderParams, frame: { width: number; height: number }): Promise<RenderedOverlay[]> {
  const out: RenderedOverlay[] = [];
  for (const [i, o] of (p.overlays ?? []).entries()) {
    const t = selectLayout(await deps.templates.get(o.template), frame.width / frame.height);
    const box = placeOverlay(frame, o.role, t.width / t.height);
    const png = renderLabelPng(t, p.fields, { width: box.width });
    const file = path.join(work, `overlay-${i}.png`);
    await writeFile(file, png.png);
    out.push({ template: o.template, role: o.role, path: file, x: box.x, y: box.y, width: png.width, height: png.height, from: o.from, to: o.to, fields: t.fields, texts: png.texts });
  }
  return out;
}

/**
 * The label on its tracked plane: the track the analysis made for these seeds
 * (tracked here from the mezzanine when it is not done yet, so a render never
 * waits on it), the label rasterised about as large as the plane appears, and
 * the master's brightness over the plane at its first seed as the reference
 * for shading (which structure adherence scales).
 */
async function planPlaneLabel(
  deps: WorkerDeps,
  work: string,
  render: RenderEntity,
  masterPath: string,
  mattePath: string | null,
  probe: { width: number; height: number; frameCount: number },
  onPlane: NonNullable<RenderParams['labelPlane']>,
  artFor: (shape: number) => LabelArt,
  p: RenderParams,
  signal: AbortSignal,
): Promise<PlaneLabel & { texts: DrawnText[] }> {
  const { db, store, tools } = deps;
  const row = render.analysisId
    ? await db.getRepository(PlaneTrackEntity).findOneBy({ analysisId: render.analysisId, plane: onPlane.plane, seedsHash: onPlane.seedsHash })
    : null;
  let track: PlaneTrack;
  if (row?.status === 'done' && row.resultKey) {
    track = JSON.parse((await readObject(store, row.resultKey)).toString('utf8')) as PlaneTrack;
  } else {
    const cv = await loadOpenCv();
    const size = planeWorkSize(probe.width, probe.height);
    track = await trackPlane(cv, tools, masterPath, { ...probe, workWidth: size.width, workHeight: size.height }, onPlane.plane, onPlane.seeds, { signal });
  }
  if (track.frames.length !== probe.frameCount) {
    throw new DomainError('RENDER_PLANE_MISMATCH', `label plane "${onPlane.plane}" was tracked over ${track.frames.length} frames, the mezzanine has ${probe.frameCount}`);
  }
  const first = [...onPlane.seeds].sort((a, b) => a.frame - b.frame)[0];
  const sizes = planeRasterSizes(first.quad);
  const png = await artFor(sizes.aspect).at(sizes.labelWidth);
  const labelPath = path.join(work, 'plane-label.png');
  await writeFile(labelPath, png.png);
  const quads = track.frames.map((f) => f.quad);
  // The occlusion reference at the plane's own shape, not the label's: every label on this plane shares one key.
  const seed = await seedLook(tools, work, masterPath, mattePath, probe, first.frame, { drawn: first.quad, tracked: quads[first.frame] ?? first.quad }, sizes.reference, signal);
  return {
    path: labelPath,
    size: { width: png.width, height: png.height },
    quads,
    texts: png.texts,
    shading: p.structureAdherence,
    referenceLuma: seed.luma,
    // Without a matte nothing says what is in front of the plane: the label then stays on top.
    occlusion: mattePath && seed.referencePath ? { referencePath: seed.referencePath, referenceSize: sizes.reference, mattePath, threshold: OCCLUSION_THRESHOLD } : null,
  };
}

/**
 * The font size (pixels) a field's copy was set at: the smallest text that
 * shows it. Infinity when no text shows it whole (a field inside other words):
 * then nothing says it is small.
 */
function setSize(value: string, texts: DrawnText[]): number {
  const flat = (x: string) => x.replace(/\s+/g, ' ').trim();
  const v = flat(value);
  return Math.min(Infinity, ...texts.filter((t) => flat(t.text).includes(v)).map((t) => t.sizePx));
}

/** What goes where the label goes: a PNG at any width, and the shape it keeps. */
interface LabelArt {
  /** Width / height. */
  aspect: number;
  at(width: number): Promise<RasterImage>;
}

/**
 * The packshot as label art: probed once, scaled by ffmpeg to the width asked
 * for (Lanczos, alpha kept). Plate uploads were already checked as images.
 */
async function loadPackshot(tools: MediaTools, file: string, work: string, signal: AbortSignal): Promise<LabelArt> {
  const probe = await probeImage(tools, file, { displayName: 'packshot' });
  const aspect = probe.width / probe.height;
  let n = 0;
  return {
    aspect,
    at: async (width) => {
      const height = Math.max(1, Math.round(width / aspect));
      const out = path.join(work, `packshot-${n++}.png`);
      await runFfmpeg(tools, ['-i', file, '-frames:v', '1', '-vf', `scale=${width}:${height}:flags=lanczos,format=rgba`, out], { signal });
      return { png: await readFile(out), width, height, texts: [] };
    },
  };
}

/** The plane's look at its seed (vision's planeSeedLook), its occlusion reference written as a PNG for the compositor. */
async function seedLook(
  tools: MediaTools,
  work: string,
  masterPath: string,
  mattePath: string | null,
  frame: { width: number; height: number },
  n: number,
  quads: { drawn: Quad; tracked: Quad },
  size: { width: number; height: number },
  signal: AbortSignal,
): Promise<{ luma: number; referencePath: string | null }> {
  const { luma, reference } = await planeSeedLook(tools, masterPath, mattePath, frame, n, quads, size, signal);
  if (!reference) return { luma, referencePath: null };
  const referencePath = path.join(work, 'plane-reference.png');
  await writeRgbaPng(tools, reference.rgba, reference, referencePath, signal);
  return { luma, referencePath };
}

/**
 * A cell whose aspect differs from the master's gets a window that follows
 * the subject's matte centroid, smoothed over about half a second; without a
 * matte the window holds the frame's centre.
 */
async function planReframe(
  deps: WorkerDeps,
  ratio: string | null,
  frame: { width: number; height: number },
  mattePath: string | null,
  fps: number,
  signal: AbortSignal,
): Promise<ReframeWindow | null> {
  const aspect = parseAspect(ratio);
  if (!aspect || Math.abs(aspect / (frame.width / frame.height) - 1) < SAME_ASPECT_TOLERANCE) return null;
  if (!mattePath) return followSubject(frame, aspect, [null], 0);
  const centroids = await matteCentroids(deps.tools, mattePath, frame, signal);
  return followSubject(frame, aspect, centroids, fps / 2);
}

/**
 * OCR of the rendered copy against the copy deck. Missing OCR weights make the
 * check say so (the operator's fix) rather than fail the producer's variant.
 */
async function copyCheck(
  deps: WorkerDeps,
  file: { path: string; width: number; height: number },
  frame: { width: number; height: number },
  items: CopyItem[],
  signal: AbortSignal,
): Promise<QcCheck> {
  if (!items.some((i) => i.fields.length)) return { name: 'copy-ocr', status: 'not-checked', detail: 'no rendered copy to read in this variant (a packshot or no text fields)' };
  let ocr: Ocr;
  try {
    ocr = await processOcr(deps.config);
  } catch (e) {
    if (e instanceof OcrModelError) return { name: 'copy-ocr', status: 'not-checked', detail: `OCR is not available on this worker: ${e.message}` };
    throw e;
  }
  const readings = await readCopy(ocr, deps.tools, file, frame, items, signal);
  return copyOcrCheck(readings, ocr.dictionary);
}

/**
 * The plate's part of the plan: the plate fetched, the camera track scaled by
 * motion adherence, and the subject's pull toward the plate's colours by
 * (1 − structure adherence).
 */
async function plateInputs(
  deps: WorkerDeps,
  work: string,
  made: Partial<AnalysisResult>,
  plate: PlateEntity,
  frame: { width: number; height: number },
  frameCount: number,
  p: RenderParams,
  settings: CompositeSettings,
): Promise<{ plate: NonNullable<Environment['plate']>; motion: Mat3[]; harmonise: YuvAffine | null }> {
  const { store, tools } = deps;
  const platePath = path.join(work, `plate${path.extname(plate.storageKey)}`);
  await store.getToFile(plate.storageKey, platePath);
  const track = made.cameraMotionKey ? (JSON.parse((await readObject(store, made.cameraMotionKey)).toString('utf8')) as CameraMotionTrack) : null;
  if (track && track.frames.length !== frameCount) {
    throw new DomainError('RENDER_MOTION_MISMATCH', `the camera track has ${track.frames.length} frames, the mezzanine ${frameCount}; re-analyse the master`);
  }
  const motion = track ? track.frames.map((f) => scaleMotion(f.h, p.motionAdherence, frame)) : [];
  let harmonise: YuvAffine | null = null;
  if (p.structureAdherence < 1 && settings.harmonise > 0 && made.colourStatsKey) {
    const stats = JSON.parse((await readObject(store, made.colourStatsKey)).toString('utf8')) as { frames: ColourStatsFrame[] };
    const subject = medianStats(stats.frames.map((f) => f.foreground));
    const cv = await loadOpenCv();
    const small = { width: 320, height: Math.max(2, 2 * Math.round((160 * plate.height) / plate.width)) };
    // The plate's first frame stands for it (a video plate's grade does not change shot to shot).
    for await (const rgb of readFrames(tools, platePath, { ...small, pixelFormat: 'rgb24', frameCount: 1 })) {
      const plateStats = colourStats(cv, rgb, small.width, small.height).all;
      if (subject) harmonise = harmoniseSubject(subject, plateStats, p.structureAdherence, settings.harmonise);
    }
  }
  return { plate: { kind: plate.kind, path: platePath, width: plate.width, height: plate.height }, motion, harmonise };
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
