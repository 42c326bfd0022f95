/** Frame numbers, timecode and sprite tiles for the frame-accurate scrubber. Pure, so tested without Angular. */
import { type SpriteLayout, spriteTile } from '../shared/sprite';

/** `n` as a whole frame inside 0…frameCount−1 (0 when there are no frames). */
export function clampFrame(n: number, frameCount: number): number {
  if (!Number.isFinite(n) || frameCount <= 0) return 0;
  return Math.min(frameCount - 1, Math.max(0, Math.round(n)));
}

/**
 * SMPTE-style non-drop-frame timecode HH:MM:SS:FF. Frames are counted at the
 * nominal rate (29.97 → 30, 23.976 → 24) as editing software does, so FF runs
 * 0…nominal−1 and the timecode of frame n is the same in every tool.
 */
export function formatTimecode(frame: number, fps: number): string {
  const base = Math.max(1, Math.round(Number.isFinite(fps) && fps > 0 ? fps : 1));
  const n = Math.max(0, Math.floor(Number.isFinite(frame) ? frame : 0));
  const ff = n % base;
  const totalSeconds = Math.floor(n / base);
  const ss = totalSeconds % 60;
  const mm = Math.floor(totalSeconds / 60) % 60;
  const hh = Math.floor(totalSeconds / 3600);
  const two = (v: number) => String(v).padStart(2, '0');
  return `${two(hh)}:${two(mm)}:${two(ss)}:${String(ff).padStart(Math.max(2, String(base - 1).length), '0')}`;
}

/**
 * Reads what a producer typed into the frame box: a frame number, or a
 * timecode HH:MM:SS:FF (also MM:SS:FF, SS:FF) at the nominal rate.
 * Null when it is neither.
 */
export function parseFrameInput(text: string, fps: number): number | null {
  const t = text.trim();
  if (/^\d+$/.test(t)) return Number(t);
  if (!/^\d{1,2}(:\d{1,2}){1,3}$/.test(t)) return null;
  const base = Math.max(1, Math.round(fps > 0 ? fps : 1));
  const parts = t.split(':').map(Number);
  const ff = parts.pop()!;
  if (ff >= base || parts.some((p, i) => i > 0 && p >= 60) || (parts.length && parts[parts.length - 1] >= 60)) return null;
  const seconds = parts.reduce((acc, p) => acc * 60 + p, 0);
  return seconds * base + ff;
}

/** The sprite tile nearest to frame `frame` (tile i shows the frame at i × intervalS), as CSS background values. */
export function spriteTileForFrame(frame: number, fps: number, layout: SpriteLayout): ReturnType<typeof spriteTile> {
  const tiles = layout.columns * layout.rows;
  const index = layout.intervalS > 0 && fps > 0 ? Math.round(frame / fps / layout.intervalS) : 0;
  // spriteTile takes a position across the strip; the middle of tile `index` names it exactly.
  return spriteTile((Math.min(tiles - 1, Math.max(0, index)) + 0.5) / tiles, layout);
}

/** Where frame `frame` sits along a strip of `frameCount` frames, in percent (first at 0, last at 100). */
export function framePercent(frame: number, frameCount: number): number {
  return frameCount > 1 ? (clampFrame(frame, frameCount) / (frameCount - 1)) * 100 : 0;
}

/** The frames worth having ready around `frame` so stepping by one shows them at once. */
export function neighbourFrames(frame: number, frameCount: number, steps: readonly number[] = [1, -1]): number[] {
  const out: number[] = [];
  for (const d of steps) {
    const n = frame + d;
    if (n >= 0 && n < frameCount && !out.includes(n)) out.push(n);
  }
  return out;
}
