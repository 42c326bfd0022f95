import * as path from 'node:path';

/** The shipped templates folder, so tests exercise the real templates. */
export const TEMPLATES_DIR = path.resolve(__dirname, '../../../templates');

/** Width and height from a PNG's IHDR chunk. */
export function pngSize(png: Buffer): { width: number; height: number } {
  if (png.subarray(1, 4).toString('ascii') !== 'PNG' || png.subarray(12, 16).toString('ascii') !== 'IHDR') {
    throw new Error('not a PNG');
  }
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** Share of pixels with any opacity. */
export function coverage(rgba: Buffer): number {
  let covered = 0;
  for (let i = 3; i < rgba.length; i += 4) if (rgba[i] > 0) covered++;
  return covered / (rgba.length / 4);
}

/** Bounding box (right and bottom exclusive) of the pixels `inked` picks; alpha ≥ 128 by default. */
export function inkBounds(
  rgba: Buffer,
  width: number,
  inked: (r: number, g: number, b: number, a: number) => boolean = (_r, _g, _b, a) => a >= 128,
): { left: number; top: number; right: number; bottom: number } | undefined {
  let box: { left: number; top: number; right: number; bottom: number } | undefined;
  for (let i = 0; i < rgba.length; i += 4) {
    if (!inked(rgba[i], rgba[i + 1], rgba[i + 2], rgba[i + 3])) continue;
    const x = (i / 4) % width;
    const y = Math.floor(i / 4 / width);
    box = box
      ? { left: Math.min(box.left, x), top: Math.min(box.top, y), right: Math.max(box.right, x + 1), bottom: Math.max(box.bottom, y + 1) }
      : { left: x, top: y, right: x + 1, bottom: y + 1 };
  }
  return box;
}
