import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { countFrames, probeImage, probeVideo } from './probe';
import { buildRenderArgs } from './render-args';
import { runFfmpeg } from './run-ffmpeg';
import { buildSyntheticMasterArgs } from './synthetic-master-args';
import { clip, plate, tools } from './test-media';

/** Renders real footage end to end; slower than the table tests, so one case per builder. */
describe('render builders against ffmpeg', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shotmatrix-render-'));
    // A half-transparent label with an opaque stripe, like a rendered template.
    execFileSync('ffmpeg', [
      '-v', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=white@0.5:s=200x60,format=rgba,drawbox=x=0:y=50:w=200:h=10:c=red@1:t=fill',
      '-frames:v', '1', path.join(dir, 'label.png'),
    ]);
  });
  afterAll(() => fs.rm(dir, { recursive: true, force: true }));

  it.each([
    ['over a plate, no audio', 'product_bottles_table_intel.mp4', true],
    ['without a plate, with audio', 'talking_head_yellow_backdrop_mdn.mp4', false],
  ])('keeps every master frame: %s', async (_name, masterName, withPlate) => {
    const masterPath = clip(masterName);
    const master = await probeVideo(tools, masterPath);
    const out = path.join(dir, `${path.parse(masterName).name}.mp4`);
    const thumb = path.join(dir, `${path.parse(masterName).name}.jpg`);
    let lastProgress = 0;
    await runFfmpeg(
      tools,
      buildRenderArgs({
        masterPath,
        master,
        plate: withPlate ? { path: plate('mountains_lake_sherburne_budgie.jpg'), insetScale: 0.78 } : undefined,
        label: { path: path.join(dir, 'label.png'), x: 40, y: 20 },
        output: { path: out, width: 640, height: 360, crf: 28, preset: 'ultrafast' },
        thumbnail: { path: thumb, width: 321, frame: 100 },
      }),
      { onProgress: (s) => (lastProgress = s) },
    );

    expect(await countFrames(tools, out)).toBe(master.frameCount);
    const rendered = await probeVideo(tools, out);
    expect(rendered).toMatchObject({ width: 640, height: 360, codec: 'h264', pixFmt: 'yuv420p', hasAudio: master.hasAudio });
    expect(rendered.fps).toBeCloseTo(master.fps, 2);
    expect(lastProgress).toBeGreaterThan(master.durationS - 0.5);
    await expect(probeImage(tools, thumb)).resolves.toEqual({ width: 320, height: 180, codec: 'mjpeg' });
  });

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
