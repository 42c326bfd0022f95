import { cornerDisplacement, type Mat3, type ReframeWindow } from '@shotmatrix/domain';
import type { YuvAffine } from './harmonise';
import type { OutputSpec, EncodeSettings } from './outputs';
import type { PlaneLabel } from './plane-label';
import type { PlateView } from './plate-view';

export interface MasterInput {
  path: string;
  width: number;
  height: number;
  /** Exact rate as ffprobe gives it ("25/1", "30000/1001"). */
  fpsFraction: string;
  frameCount: number;
  hasAudio: boolean;
}

/** A 3D LUT (.cube) and how much of it to apply, 0…1. */
export interface Grade {
  lutPath: string;
  amount: number;
}

/** A still with alpha (PNG) placed in master-frame pixels, shown on frames from…to inclusive. */
export interface StillLayer {
  path: string;
  x: number;
  y: number;
  from: number;
  to: number;
}

/**
 * The master's surroundings replaced: the subject is cut out through the
 * matte and set over a plate that moves with the master's camera.
 */
export interface Environment {
  /** Grey video, one frame per master frame, white = subject. */
  mattePath: string;
  /**
   * The new background; null keeps the master's own surroundings, which then
   * take the frame grade in full while the subject takes it by (1 − s).
   */
  plate: { kind: 'image' | 'video'; path: string; width: number; height: number } | null;
  /** The plate's crop (null without a plate). */
  view: PlateView | null;
  /** Per master frame: frame-0 → frame-n transform of the plate, already scaled by motion adherence. */
  motion: Mat3[];
  /** Shrink the matte by this many pixels (removes a fringe of the old background). */
  chokePx: number;
  /** Soften the matte's edge over about this many pixels. */
  featherPx: number;
  /** 0…1: the plate's light bleeding over the subject's edge. */
  lightWrap: number;
  /** Stills between plate and subject (haze, light leaks, graphics the subject passes in front of). */
  effects: StillLayer[];
  /**
   * The plate as buildMovedPlateArgs made it ahead (cropped, graded, moved,
   * one frame per master frame), read as it is instead of warping it here.
   * Cells that share a background, grade and motion share it.
   */
  movedPlatePath?: string | null;
  /** The matte at mattePath is already choked and feathered (buildShapedMatteArgs). */
  matteShaped?: boolean;
}

export interface CompositePlan {
  master: MasterInput;
  /**
   * ffmpeg's -filter_complex_threads. Absent or 0: one thread when no filter works on the whole frame every
   * frame (the encoder's threads take the cores; slicing light filters too only adds contention, measured
   * 4 % slower on 2 cores), else one per core (a per-frame plate warp or grade gains from slices: measured
   * 10 % faster).
   */
  filterThreads?: number;
  environment: Environment | null;
  /** The market's LUT: `plate` on the plate alone, `frame` on the whole picture (the subject takes it by 1 − s). */
  grade: { lutPath: string; plateAmount: number; frameAmount: number } | null;
  /**
   * The frame grade as the subject takes it (frameAmount × (1 − s)), premixed
   * with identity into one LUT (domain's mixCubeLut) so each frame costs one
   * lookup, not a grade and a blend. Without it the compositor grades and
   * blends per frame.
   */
  subjectLutPath?: string | null;
  /** The frame grade premixed at `grade.frameAmount`, for the master's own surroundings when no plate replaces them. */
  frameLutPath?: string | null;
  /** Structure adherence s ∈ [0, 1]. */
  structureAdherence: number;
  /** The subject pulled toward the plate's colour (null at s = 1 or without a plate). */
  harmonise: YuvAffine | null;
  /** The label on the tracked plane: part of the scene, so before the QC tap and the reframe. */
  planeLabel?: PlaneLabel | null;
  /** A window of another aspect that follows the subject (domain's followSubject); outputs take its size. */
  reframe?: ReframeWindow | null;
  /** Labels, supers, legal lines, end cards: over everything, never graded, placed in the (reframed) output frame. */
  layers: StillLayer[];
  outputs: OutputSpec[];
  encode: EncodeSettings;
  thumbnail: { path: string; width: number; frame: number };
  /**
   * A lossless grey copy of the composite at QC size (raw frames in a .nut, FFV1 in a .mkv), so QC measures
   * what the compositor did to the shot rather than what the delivery codec
   * lost on the way.
   */
  qcTap?: { path: string; width: number; height: number };
}

/** Plate motion below this many pixels at every corner is treated as a locked-off plate: no per-frame warp. */
export const STILL_PLATE_TOLERANCE_PX = 0.05;

export function plateMoves(env: Environment): boolean {
  if (!env.plate || !env.view) return false;
  const frame = { width: env.view.rect.width, height: env.view.rect.height };
  return env.motion.some((h) => cornerDisplacement(h, frame) > STILL_PLATE_TOLERANCE_PX);
}
