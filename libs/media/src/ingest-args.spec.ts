import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { interpretColour, probeColour } from './colour';
import { buildMezzanineArgs, buildProxyArgs, buildSpriteArgs, spriteLayout, type ColourInfo } from './ingest-args';
import { countFrames, probeImage, probeVideo } from './probe';
import { runFfmpeg } from './run-ffmpeg';

const tools = { ffmpegPath: 'ffmpeg', ffprobePath: 'ffprobe' };
const SDR: ColourInfo = { primaries: 'bt709', transfer: 'bt709', matrix: 'bt709', range: 'tv', bitDepth: 8 };
const HLG: ColourInfo = { primaries: 'bt2020', transfer: 'arib-std-b67', matrix: 'bt2020nc', range: null, bitDepth: 10 };

describe('ingest argument builders', () => {
  it.each<[string, ColourInfo, boolean, string[]]>([
    ['SDR with audio', SDR, true, ['-map', '0:a:0?', '-c:a', 'copy', '-pix_fmt', 'yuv420p', '-color_trc', 'bt709', '-color_range', 'tv']],
    ['HLG, 10-bit, silent', HLG, false, ['-pix_fmt', 'yuv420p10le', '-color_primaries', 'bt2020', '-color_trc', 'arib-std-b67']],
  ])('mezzanine: %s', (_what, colour, hasAudio, expected) => {
    const args = buildMezzanineArgs({ inputPath: '/in/m.mov', outputPath: '/out/mz.mp4', fpsFraction: '30000/1001', colour, hasAudio });
    const joined = args.join(' ');
    for (let i = 0; i < expected.length; i += 2) expect(joined).toContain(`${expected[i]} ${expected[i + 1]}`);
    expect(joined).toContain('-protocol_whitelist file -i file:/in/m.mov');
    expect(joined).toContain('-vf setpts=N/(30000/1001)/TB -fps_mode cfr -r 30000/1001');
    expect(args.at(-1)).toBe('/out/mz.mp4');
    if (!colour.range) expect(args).not.toContain('-color_range');
    expect(args.includes('-an')).toBe(!hasAudio);
  });

  it('lays a sprite out over the whole shot', () => {
    expect(spriteLayout({ width: 1920, height: 1080, durationS: 10 })).toEqual({ columns: 10, rows: 10, tileWidth: 160, tileHeight: 90, intervalS: 0.1 });
    expect(spriteLayout({ width: 1080, height: 1920, durationS: 5 }, 50, 90)).toMatchObject({ rows: 5, tileWidth: 90, tileHeight: 160 });
    const args = buildSpriteArgs({ inputPath: '/m.mp4', outputPath: '/s.jpg', layout: spriteLayout({ width: 640, height: 360, durationS: 8 }) });
    expect(args).toContain('fps=1/0.080000,scale=160:90,tile=10x10');
  });

  it('reads colour descriptions without guessing', () => {
    expect(interpretColour({ color_primaries: 'bt2020', color_transfer: 'smpte2084', color_space: 'bt2020nc', pix_fmt: 'yuv420p10le' })).toEqual({
      primaries: 'bt2020',
      transfer: 'smpte2084',
      matrix: 'bt2020nc',
      range: null,
      bitDepth: 10,
    });
    expect(interpretColour({ color_primaries: 'unknown', pix_fmt: 'yuv420p' })).toMatchObject({ primaries: null, bitDepth: 8 });
  });
});

describe('ingest against ffmpeg', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ingest-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('makes a constant-rate mezzanine with every frame of variable-rate footage, keeping HLG 10-bit colour, plus a 540p proxy and a sprite', async () => {
    // Variable frame rate: frames 0.04 s apart, then 0.08 s apart (mkvmerge-style timestamps via setpts).
    const src = path.join(dir, 'vfr-hlg.mkv');
    execFileSync('ffmpeg', [
      '-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=1280x720:r=25:d=2',
      '-vf', "setpts='if(lt(N,25),N*0.04,1+(N-25)*0.08)/TB'", '-fps_mode', 'vfr',
      '-pix_fmt', 'yuv420p10le', '-c:v', 'libx264', '-color_primaries', 'bt2020', '-color_trc', 'arib-std-b67', '-colorspace', 'bt2020nc',
      src,
    ]);
    const probe = await probeVideo(tools, src);
    const colour = await probeColour(tools, src);
    expect(colour).toMatchObject({ transfer: 'arib-std-b67', bitDepth: 10 });

    const mz = path.join(dir, 'mz.mp4');
    await runFfmpeg(tools, buildMezzanineArgs({ inputPath: src, outputPath: mz, fpsFraction: '25/1', colour, hasAudio: false }));
    const mzProbe = await probeVideo(tools, mz);
    expect(mzProbe.fpsFraction).toBe('25/1');
    // Every source frame, no duplicates or drops, evenly spaced: 50 frames over 2 s at 25 fps.
    expect(await countFrames(tools, src)).toBe(50);
    expect(await countFrames(tools, mz)).toBe(50);
    expect(mzProbe.durationS).toBeCloseTo(2, 1);
    expect(probe.durationS).toBeGreaterThan(2.9);
    expect(await probeColour(tools, mz)).toMatchObject({ primaries: 'bt2020', transfer: 'arib-std-b67', matrix: 'bt2020nc', bitDepth: 10 });

    const proxy = path.join(dir, 'proxy.mp4');
    await runFfmpeg(tools, buildProxyArgs({ inputPath: mz, outputPath: proxy, hasAudio: false }));
    expect(await probeVideo(tools, proxy)).toMatchObject({ width: 960, height: 540, codec: 'h264', pixFmt: 'yuv420p' });

    const sprite = path.join(dir, 'sprite.jpg');
    const layout = spriteLayout(mzProbe);
    await runFfmpeg(tools, buildSpriteArgs({ inputPath: mz, outputPath: sprite, layout }));
    expect(await probeImage(tools, sprite)).toMatchObject({ width: 1600, height: 900 });
  }, 60_000);
});
