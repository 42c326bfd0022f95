import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { countFrames, probeVideo } from './probe';
import { runFfmpeg } from './run-ffmpeg';
import { buildSyntheticMasterArgs } from './synthetic-master-args';
import { tools } from './test-media';

/** The demo's synthetic master, made by real ffmpeg (variant renders are the compositor's, tested there). */
describe('synthetic master against ffmpeg', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shotmatrix-render-'));
  });
  afterAll(() => fs.rm(dir, { recursive: true, force: true }));

  it('makes a synthetic master with the asked-for size, rate and length', async () => {
    const scene = path.join(dir, 'scene.png');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=s=640x360', '-frames:v', '1', scene]);
    const out = path.join(dir, 'synthetic.mp4');
    await runFfmpeg(tools, buildSyntheticMasterArgs({ scenePath: scene, outputPath: out, width: 320, height: 180, fps: 25, durationS: 2 }));
    const probe = await probeVideo(tools, out);
    expect(probe).toMatchObject({ width: 320, height: 180, fpsFraction: '25/1', codec: 'h264', pixFmt: 'yuv420p', hasAudio: false });
    expect(await countFrames(tools, out)).toBe(50);

    // The camera moves: the first and last frames differ clearly, neighbours only a little.
    const frame = (n: number) =>
      execFileSync('ffmpeg', ['-v', 'error', '-i', out, '-vf', `select=eq(n\\,${n}),scale=64:36,format=gray`, '-frames:v', '1', '-f', 'rawvideo', '-']);
    const diff = (a: Buffer, b: Buffer) => a.reduce((sum, v, i) => sum + Math.abs(v - b[i]), 0) / a.length;
    const [first, second, last] = [frame(0), frame(1), frame(49)];
    expect(diff(first, last)).toBeGreaterThan(4 * diff(first, second));
    expect(diff(first, last)).toBeGreaterThan(5);
  });
});
