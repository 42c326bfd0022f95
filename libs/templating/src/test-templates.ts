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
