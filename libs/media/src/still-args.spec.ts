import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { probeImage } from './probe';
import { runFfmpeg } from './run-ffmpeg';
import { buildEffectLayerArgs, buildStillArgs } from './still-args';
import { execFileSync } from 'node:child_process';
import { clip, plate, tools } from './test-media';

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

describe('buildEffectLayerArgs', () => {
  it.each([
    [1, 'scale=1920:1080:force_original_aspect_ratio=increase:flags=lanczos,crop=1920:1080,format=rgba'],
    [0.5, 'scale=1920:1080:force_original_aspect_ratio=increase:flags=lanczos,crop=1920:1080,format=rgba,colorchannelmixer=aa=0.5000'],
    [7, 'scale=1920:1080:force_original_aspect_ratio=increase:flags=lanczos,crop=1920:1080,format=rgba'],
  ])('opacity %p', (opacity, vf) => {
    const args = buildEffectLayerArgs({ inputPath: '/w/haze.png', width: 1920, height: 1080, opacity, outputPath: '/w/fx.png' });
    expect(args.slice(0, 4)).toEqual(['-protocol_whitelist', 'file', '-i', '/w/haze.png']);
    expect(args[args.indexOf('-vf') + 1]).toBe(vf);
    expect(args.at(-1)).toBe('/w/fx.png');
  });

  it('covers the frame from a real plate of another shape, with alpha at the opacity asked', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shotmatrix-fx-'));
    try {
      const out = path.join(dir, 'fx.png');
      await runFfmpeg(tools, buildEffectLayerArgs({ inputPath: plate('city_skyline_singapore_budgie.jpg'), width: 320, height: 240, opacity: 0.5, outputPath: out }));
      await expect(probeImage(tools, out)).resolves.toMatchObject({ width: 320, height: 240, codec: 'png' });
      const stdout = execFileSync('ffmpeg', ['-v', 'error', '-i', out, '-vf', 'alphaextract,signalstats,metadata=print:key=lavfi.signalstats.YAVG:file=-', '-f', 'null', '-']).toString();
      expect(Number(/YAVG=([\d.]+)/.exec(stdout)![1])).toBeCloseTo(128, -1);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
