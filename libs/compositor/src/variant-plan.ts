import * as path from 'node:path';
import { IDENTITY, type CompositeSettings, type Mat3, type ReframeWindow } from '@shotmatrix/domain';
import { qcSize } from '@shotmatrix/qc';
import type { CompositePlan, Environment, MasterInput, StillLayer } from './composite-plan';
import type { YuvAffine } from './harmonise';
import type { OutputSpec } from './outputs';
import type { PlaneLabel } from './plane-label';
import { planPlateView } from './plate-view';

/** The delivery encode of every variant: the settings the benchmark's plain transcode uses too. */
export const VARIANT_ENCODE = { crf: 20, preset: 'veryfast' } as const;
/** Thumbnail width on the board. */
export const THUMBNAIL_WIDTH = 480;

/**
 * What surrounds the subject: a plate moved by the camera motion (already
 * scaled by motion adherence), or — without a plate, but with a frame grade
 * the subject takes only by (1 − s), or with effect layers to put behind the
 * subject — the master's own surroundings cut from the subject by the matte;
 * otherwise none (one picture, no matte).
 */
export function environmentFor(i: {
  mattePath: string | null;
  plate: { kind: 'image' | 'video'; path: string; width: number; height: number } | null;
  motion: Mat3[];
  frame: { width: number; height: number };
  settings: CompositeSettings;
  structureAdherence: number;
  graded: boolean;
  /** Stills between plate and subject, already made to cover the frame. */
  effects?: StillLayer[];
}): Environment | null {
  const { mattePath, settings } = i;
  if (!mattePath) return null;
  const effects = i.effects ?? [];
  const edges = { chokePx: settings.choke, featherPx: settings.feather, effects };
  if (i.plate) {
    return { mattePath, plate: i.plate, view: planPlateView(i.plate, i.frame, i.motion.length ? i.motion : [IDENTITY]), motion: i.motion, lightWrap: settings.lightWrap, ...edges };
  }
  if (effects.length || (i.graded && settings.gradeFrame > 0 && i.structureAdherence > 0)) return { mattePath, plate: null, view: null, motion: [], lightWrap: 0, ...edges };
  return null;
}

/**
 * How much of the market LUT to premix into one LUT each (0: none): the
 * subject's share of the frame grade, gradeFrame × (1 − s); and the frame
 * grade for the master's own surroundings when no plate replaces them.
 * Premixed, each costs one lookup a frame instead of a grade and a blend.
 */
export function lutPremixes(settings: CompositeSettings, structureAdherence: number, env: Environment | null): { subject: number; frame: number } {
  return {
    subject: settings.gradeFrame * (1 - structureAdherence),
    frame: env && !env.plate ? settings.gradeFrame : 0,
  };
}

export interface VariantPlanInput {
  master: MasterInput;
  settings: CompositeSettings;
  structureAdherence: number;
  environment: Environment | null;
  /** The market's LUT and its premixes (see lutPremixes); null without a grade. */
  grade: { lutPath: string; subjectLutPath: string | null; frameLutPath: string | null } | null;
  harmonise: YuvAffine | null;
  reframe: ReframeWindow | null;
  planeLabel: PlaneLabel | null;
  /** The corner label (when not on a plane) and the timed overlays, placed in the output frame. */
  layers: StillLayer[];
  outputs: OutputSpec[];
  /** Folder for the thumbnail and the QC tap. */
  workDir: string;
  /** ffmpeg's filter threads (the worker's RENDER_FILTER_THREADS). */
  filterThreads?: number;
}

/** Raw QC taps up to this size; longer shots get FFV1 (a quarter of it) so the work folder stays small. */
export const RAW_QC_TAP_MAX_BYTES = 512 * 1024 * 1024;

/** The QC tap: raw grey frames (cheapest to write) unless the shot is long enough to make them large. */
export function qcTapFor(master: { width: number; height: number; frameCount: number }, workDir: string): NonNullable<CompositePlan['qcTap']> {
  const size = qcSize(master.width, master.height);
  const raw = size.width * size.height * master.frameCount <= RAW_QC_TAP_MAX_BYTES;
  return { path: path.join(workDir, raw ? 'qc.nut' : 'qc.mkv'), ...size };
}

/** One variant's composite plan, the same for the worker and the benchmark. */
export function variantPlan(i: VariantPlanInput): CompositePlan {
  const { master, settings } = i;
  return {
    master,
    filterThreads: i.filterThreads,
    environment: i.environment,
    grade: i.grade ? { lutPath: i.grade.lutPath, plateAmount: settings.gradePlate, frameAmount: settings.gradeFrame } : null,
    structureAdherence: i.structureAdherence,
    subjectLutPath: i.grade?.subjectLutPath ?? null,
    frameLutPath: i.grade?.frameLutPath ?? null,
    harmonise: i.harmonise,
    reframe: i.reframe,
    planeLabel: i.planeLabel,
    layers: i.layers,
    outputs: i.outputs,
    encode: VARIANT_ENCODE,
    thumbnail: { path: path.join(i.workDir, 'thumb.jpg'), width: THUMBNAIL_WIDTH, frame: Math.floor(master.frameCount / 2) },
    qcTap: qcTapFor(master, i.workDir),
  };
}
