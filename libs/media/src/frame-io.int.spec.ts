import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildReadFramesArgs, grabFrame, openGreyVideoWriter, readFrames } from './frame-io';
import { runFfmpeg } from './run-ffmpeg';
import { countFrames } from './probe';
import { clip, tools } from './test-media';

describe('frame I/O', () => {
  let dir: string;
  beforeAll(async () => (dir = await mkdtemp(path.join(tmpdir(), 'frame-io-'))));
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('builds a frame-number select, not a time seek', () => {
    const args = buildReadFramesArgs('in.mp4', { width: 64, height: 36, pixelFormat: 'gray', startFrame: 10, frameCount: 5 });
    expect(args.join(' ')).toContain("select='between(n\\,10\\,14)'");
    expect(args).toEqual(expect.arrayContaining(['-frames:v', '5', '-pix_fmt', 'gray', 'pipe:1']));
  });

  it('reads exact frames and round-trips grey frames losslessly', async () => {
    const frames: Buffer[] = [];
    for await (const f of readFrames(tools, clip('product_bottles_table_intel.mp4'), { width: 160, height: 90, pixelFormat: 'gray', startFrame: 20, frameCount: 12 })) {
      frames.push(f);
    }
    expect(frames).toHaveLength(12);
    expect(frames.every((f) => f.length === 160 * 90)).toBe(true);
    // Frame 20 read on its own equals the first frame of the run above.
    const [single] = await collect(readFrames(tools, clip('product_bottles_table_intel.mp4'), { width: 160, height: 90, pixelFormat: 'gray', startFrame: 20, frameCount: 1 }));
    expect(single.equals(frames[0])).toBe(true);

    const out = path.join(dir, 'grey.mkv');
    const w = openGreyVideoWriter(tools, out, { width: 160, height: 90, fpsFraction: '30000/1001' });
    for (const f of frames) await w.write(f);
    await w.close();
    expect(await countFrames(tools, out)).toBe(12);
    const back = await collect(readFrames(tools, out, { width: 160, height: 90, pixelFormat: 'gray' }));
    expect(back.map((b) => b.equals(frames[back.indexOf(b)]))).toEqual(frames.map(() => true));
  });

  it('grabs exactly frame n as an image, however n / fps rounds', async () => {
    const src = clip('talking_head_yellow_backdrop_mdn.mp4');
    // A constant-rate copy at 59.94 fps, like the mezzanine the API grabs from.
    const cfr = path.join(dir, 'cfr.mkv');
    await runFfmpeg(tools, ['-i', src, '-an', '-vf', 'setpts=N/(60000/1001)/TB', '-r', '60000/1001', '-c:v', 'ffv1', cfr]);
    const frames = await collect(readFrames(tools, cfr, { width: 320, height: 192, pixelFormat: 'gray' }));
    for (const n of [0, 1, 59, 60, 61, 250, frames.length - 1]) {
      const png = await grabFrame(tools, cfr, { frame: n, fpsFraction: '60000/1001', format: 'png' });
      const decoded = path.join(dir, `grab-${n}.png`);
      await writeFile(decoded, png);
      const [grabbed] = await collect(readFrames(tools, decoded, { width: 320, height: 192, pixelFormat: 'gray' }));
      // The neighbours differ (a talking head moves), and the grab matches frame n itself.
      const near = [n - 2, n - 1, n, n + 1, n + 2].filter((i) => i >= 0 && i < frames.length);
      const diffs = near.map((i) => meanAbsDiff(frames[i], grabbed));
      expect(near[diffs.indexOf(Math.min(...diffs))]).toBe(n);
      expect(diffs[near.indexOf(n)]).toBeLessThan(0.01);
    }
  }, 60_000);

  it('fails with ffmpeg\'s reason on a missing file', async () => {
    await expect(collect(readFrames(tools, path.join(dir, 'nope.mp4'), { width: 8, height: 8, pixelFormat: 'gray' }))).rejects.toThrow(/ffmpeg exited/);
  });
});

async function collect(it: AsyncIterable<Buffer>): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const f of it) out.push(f);
  return out;
}

function meanAbsDiff(a: Buffer, b: Buffer): number {
  // Test-only comparison of two small frames.
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
  return s / a.length;
}

describe('grey video writer when ffmpeg dies', () => {
  it('rejects a pending write instead of waiting for a drain that never comes', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'frame-io-kill-'));
    try {
      const controller = new AbortController();
      const w = openGreyVideoWriter(tools, path.join(dir, 'killed.mkv'), { width: 1920, height: 1080, fpsFraction: '25/1', signal: controller.signal });
      const frame = Buffer.alloc(1920 * 1080, 128);
      setTimeout(() => controller.abort(), 200);
      // Keep writing until the pipe fills and ffmpeg is killed under it.
      const writing = (async () => {
        for (let i = 0; i < 10_000; i++) await w.write(frame);
      })();
      // EPIPE or "ffmpeg exited…", whichever the pipe reports first; never a hang.
      await expect(writing).rejects.toThrow(/EPIPE|ffmpeg/);
      await expect(w.close()).rejects.toThrow();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
