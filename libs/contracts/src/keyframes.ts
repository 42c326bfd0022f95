import { z } from 'zod';

/** A point in master pixels (x right, y down), origin at the top-left corner of frame. */
export type Point = [number, number];
/** A label plane's corners in master pixels: top-left, top-right, bottom-right, bottom-left. */
export type Quad = [Point, Point, Point, Point];

export const KEYFRAME_KINDS = ['lock', 'label-quad', 'mark'] as const;
export type KeyframeKind = (typeof KEYFRAME_KINDS)[number];

const point = z.tuple([z.number().finite(), z.number().finite()]);
const name = z
  .string()
  .min(1)
  .max(40)
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'use lower-case letters, digits, "-" and "_"');

/**
 * Frames the producer pins on the master. `lock`: QC demands the foreground
 * match the master there. `label-quad`: seeds the tracker of the named label
 * plane. `mark`: a named timing mark (supers and legal lines start or end there).
 */
export const keyframeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('lock'), frame: z.number().int().min(0) }).strict(),
  z.object({ kind: z.literal('label-quad'), frame: z.number().int().min(0), plane: name, quad: z.tuple([point, point, point, point]) }).strict(),
  z.object({ kind: z.literal('mark'), frame: z.number().int().min(0), name }).strict(),
]);
export type Keyframe = z.infer<typeof keyframeSchema>;

export const keyframesBodySchema = z.object({ keyframes: z.array(keyframeSchema).max(500) }).strict();
export type KeyframesBody = z.infer<typeof keyframesBodySchema>;

/** Per-frame camera motion: `h` maps frame 0 pixels to this frame's pixels (row-major 3×3). */
export interface CameraMotionFrame {
  h: number[];
  /** 0…1; share of background features that agreed with the homography. 0 where none could be found. */
  confidence: number;
}
export interface CameraMotionTrack {
  width: number;
  height: number;
  frames: CameraMotionFrame[];
}

export interface PlaneTrackFrame {
  /** null where the plane could not be followed (left the frame, lost). */
  quad: Quad | null;
  confidence: number;
}
export interface PlaneTrack {
  plane: string;
  /** The keyframes that seeded it. */
  seeds: Array<{ frame: number; quad: Quad }>;
  frames: PlaneTrackFrame[];
}

/** Colour statistics per frame in CIE L*a*b* (L 0…100), for the whole frame, the subject (matte) and the rest. */
export interface LabStats {
  mean: [number, number, number];
  std: [number, number, number];
}
export interface ColourStatsFrame {
  all: LabStats;
  foreground: LabStats | null;
  background: LabStats | null;
}
