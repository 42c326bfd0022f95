/**
 * Frame ↔ time for the review player, and which key does what. Pure, so the
 * rules are table-tested without a browser.
 */
import { clampFrame } from '../masters/timecode';

/**
 * Where to seek to show exactly frame `frame`: the middle of the frame, so a
 * decoder's rounding of the time either way still lands on that frame.
 */
export function frameToTime(frame: number, fps: number): number {
  if (!(fps > 0)) return 0;
  return (Math.max(0, Math.floor(frame)) + 0.5) / fps;
}

/** The frame on screen at media time `seconds` (the last frame at or after the end). */
export function timeToFrame(seconds: number, fps: number, frameCount: number): number {
  if (!(fps > 0) || !Number.isFinite(seconds)) return 0;
  // A hair over the boundary: n / fps × fps can come out as n − 1e-12.
  return clampFrame(Math.floor(seconds * fps + 1e-6), frameCount);
}

/**
 * The shot's frame rate for review: the master's (QC holds every variant to
 * it), else the variant's own frames over its duration, else 25.
 */
export function reviewFps(masterFps: number | null | undefined, frameCount: number | null | undefined, durationS: number | null | undefined): number {
  if (masterFps && masterFps > 0) return masterFps;
  if (frameCount && durationS && durationS > 0) return frameCount / durationS;
  return 25;
}

/** The follower is re-seeked only when it drifts more than `frames` frames from the leader; small drift is invisible and a seek stutters. */
export function needsResync(leaderS: number, followerS: number, fps: number, frames = 2): boolean {
  if (!(fps > 0)) return false;
  return Math.abs(leaderS - followerS) > frames / fps;
}

/** The wipe divider's position in percent of the picture's width, from a pointer x. */
export function wipeFromPointer(clientX: number, left: number, width: number): number {
  if (!(width > 0)) return 50;
  return clampPercent(((clientX - left) / width) * 100);
}

export function clampPercent(p: number): number {
  if (!Number.isFinite(p)) return 50;
  return Math.round(Math.min(100, Math.max(0, p)) * 10) / 10;
}

/** What the focused element is, as far as the player's keys are concerned. */
export type KeyTarget =
  /** Typing somewhere (text inputs, textareas, selects, editable content): keys belong to it. */
  | 'text'
  /** A slider: the arrows belong to it, space is free. */
  | 'slider'
  /** A button or link elsewhere on the page: space activates it. */
  | 'button'
  /** One of the player's own transport buttons: space plays rather than pressing the button again. */
  | 'transport'
  | 'other';

export type PlayerAction = { kind: 'step'; by: number } | { kind: 'toggle' };

export interface KeyPress {
  key: string;
  shiftKey?: boolean;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
}

/** ←/→ step one frame (Shift: ten), space plays or pauses; null where the key is someone else's. */
export function playerKeyAction(press: KeyPress, target: KeyTarget): PlayerAction | null {
  if (press.ctrlKey || press.metaKey || press.altKey || target === 'text') return null;
  if (press.key === 'ArrowLeft' || press.key === 'ArrowRight') {
    if (target === 'slider') return null;
    return { kind: 'step', by: (press.shiftKey ? 10 : 1) * (press.key === 'ArrowLeft' ? -1 : 1) };
  }
  if (press.key === ' ' || press.key === 'Spacebar') {
    return target === 'button' ? null : { kind: 'toggle' };
  }
  return null;
}
