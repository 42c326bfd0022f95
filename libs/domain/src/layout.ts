import type { SuperRole } from './composite-settings';

/** Even sizes: H.264 with 4:2:0 chroma needs them. */
export const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);

/** Title-safe area: 90 % of the frame, a 5 % margin on each side of each axis. */
export const TITLE_SAFE_MARGIN = 0.05;

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface VariantLayout {
  output: { width: number; height: number };
  label: { width: number; x: number; y: number };
}

export function titleSafe(frame: { width: number; height: number }): Box {
  const mx = Math.round(frame.width * TITLE_SAFE_MARGIN);
  const my = Math.round(frame.height * TITLE_SAFE_MARGIN);
  return { x: mx, y: my, width: frame.width - 2 * mx, height: frame.height - 2 * my };
}

/**
 * The label in the lower-left corner of the title-safe area, 40 % of the
 * frame wide (70 % on portrait frames, so it stays legible), lifted by
 * `reserveBottom` pixels when a legal line takes the bottom of the safe area.
 */
export function layoutVariant(master: { width: number; height: number }, labelAspect: number, reserveBottom = 0): VariantLayout {
  const width = even(master.width);
  const height = even(master.height);
  const portrait = height > width;
  const safe = titleSafe({ width, height });
  const labelWidth = Math.min(safe.width, even(width * (portrait ? 0.7 : 0.4)));
  const labelHeight = Math.round(labelWidth / labelAspect);
  return {
    output: { width, height },
    label: { width: labelWidth, x: safe.x, y: Math.max(safe.y, safe.y + safe.height - labelHeight - reserveBottom) },
  };
}

/** Where an overlay goes follows its role (see composite-settings' SUPER_ROLES). */
export type OverlayRole = SuperRole;

/**
 * Where a timed overlay goes in the title-safe area of an output frame: a
 * legal line across its bottom, a super across its top (narrower on landscape
 * frames), an end card in its middle. The box's width is the overlay's raster width.
 */
export function placeOverlay(frame: { width: number; height: number }, role: OverlayRole, aspect: number): Box {
  const safe = titleSafe(frame);
  const portrait = frame.height > frame.width;
  const share = role === 'legal' ? 1 : role === 'super' ? (portrait ? 1 : 0.7) : 0.8;
  let width = Math.floor(safe.width * share);
  let height = Math.round(width / aspect);
  if (height > safe.height) {
    height = safe.height;
    width = Math.floor(height * aspect);
  }
  const x = safe.x + Math.floor((safe.width - width) / 2);
  const y = role === 'legal' ? safe.y + safe.height - height : role === 'super' ? safe.y : safe.y + Math.floor((safe.height - height) / 2);
  return { x, y, width, height };
}

/** Whether a box lies inside the title-safe area (a pixel of rounding allowed). */
export function insideTitleSafe(frame: { width: number; height: number }, b: Box): boolean {
  const s = titleSafe(frame);
  return b.x >= s.x - 1 && b.y >= s.y - 1 && b.x + b.width <= s.x + s.width + 1 && b.y + b.height <= s.y + s.height + 1;
}
