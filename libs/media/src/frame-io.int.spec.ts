import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildReadFramesArgs, openGreyVideoWriter, readFrames } from './frame-io';
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

  it('fails with ffmpeg\'s reason on a missing file', async () => {
    await expect(collect(readFrames(tools, path.join(dir, 'nope.mp4'), { width: 8, height: 8, pixelFormat: 'gray' }))).rejects.toThrow(/ffmpeg exited/);
  });
});

async function collect(it: AsyncIterable<Buffer>): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const f of it) out.push(f);
  return out;
}
