import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { probeImage } from './probe';
import { runFfmpeg } from './run-ffmpeg';
import { buildStillArgs } from './still-args';
import { clip, tools } from './test-media';

describe('buildStillArgs', () => {
  it.each([
    [{ atS: 2.5, width: 480 }, ['-ss', '2.500'], 'scale=480:-2'],
    [{ atS: -1, width: 321 }, ['-ss', '0.000'], 'scale=320:-2'],
    [{ atS: Number.NaN, width: 64 }, ['-ss', '0.000'], 'scale=64:-2'],
  ])('%j', (change, seek, scale) => {
    const args = buildStillArgs({ inputPath: '/w/in.mp4', outputPath: '/w/t.jpg', ...change });
    expect(args.slice(0, 2)).toEqual(seek);
    expect(args.slice(2, 6)).toEqual(['-protocol_whitelist', 'file', '-i', '/w/in.mp4']);
    expect(args[args.indexOf('-vf') + 1]).toBe(scale);
    expect(args.at(-1)).toBe('/w/t.jpg');
  });

  it('grabs a frame from a real clip', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shotmatrix-still-'));
    try {
      const out = path.join(dir, 'thumb.jpg');
      await runFfmpeg(tools, buildStillArgs({ inputPath: clip('macro_flower_mdn.mp4'), atS: 2.5, width: 480, outputPath: out }));
      await expect(probeImage(tools, out)).resolves.toEqual({ width: 480, height: 270, codec: 'mjpeg' });
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
