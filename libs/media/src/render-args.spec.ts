import { buildRenderArgs, even, insetSize, type RenderPlan } from './render-args';

const base: RenderPlan = {
  masterPath: '/scratch/master.mp4',
  master: { width: 1920, height: 1080, fpsFraction: '30000/1001', frameCount: 150, hasAudio: false },
  label: { path: '/scratch/label.png', x: 120, y: 800 },
  output: { path: '/scratch/out.mp4', width: 1920, height: 1080, crf: 20, preset: 'veryfast' },
  thumbnail: { path: '/scratch/thumb.jpg', width: 480, frame: 12 },
};

/** The value that follows `flag` (first occurrence from `from`). */
function after(args: string[], flag: string, from = 0): string {
  const i = args.indexOf(flag, from);
  if (i < 0) throw new Error(`${flag} not in ${args.join(' ')}`);
  return args[i + 1];
}

const graphOf = (args: string[]) => after(args, '-filter_complex');
const inputsOf = (args: string[]) => args.flatMap((a, i) => (a === '-i' ? [args[i + 1]] : []));

describe('buildRenderArgs', () => {
  it.each<[string, Partial<RenderPlan>, string[]]>([
    ['no plate', {}, ['/scratch/master.mp4', '/scratch/label.png']],
    ['plate', { plate: { path: '/scratch/plate.jpg', insetScale: 0.78 } }, ['/scratch/master.mp4', '/scratch/plate.jpg', '/scratch/label.png']],
  ])('takes the master as input 0 (%s)', (_name, change, inputs) => {
    const args = buildRenderArgs({ ...base, ...change });
    expect(inputsOf(args)).toEqual(inputs);
    // Every input is fenced to local files.
    const whitelisted = args.flatMap((a, i) => (a === '-i' ? [args.slice(i - 2, i)] : []));
    expect(whitelisted).toEqual(inputs.map(() => ['-protocol_whitelist', 'file']));
  });

  it.each<[string, Partial<RenderPlan>, string]>([
    [
      'no plate: master fills the frame',
      {},
      '[0:v]scale=1920:1080:force_original_aspect_ratio=increase,crop=1920:1080,setsar=1[base];' +
        '[base][1:v]overlay=120:800,split=2[vout][tsrc];' +
        '[tsrc]select=eq(n\\,12),scale=480:-2[thumb]',
    ],
    [
      'plate: master inset at 78% over the plate',
      { plate: { path: '/scratch/plate.jpg', insetScale: 0.78 } },
      '[0:v]scale=1496:842,setsar=1,split=2[fg][fgc];' +
        '[fgc]pad=1920:1080:212:118[canvas];' +
        '[1:v]scale=1920:1080:force_original_aspect_ratio=increase,crop=1920:1080,setsar=1[plate];' +
        '[canvas][plate]overlay=0:0[bg];' +
        '[bg][fg]overlay=212:118[base];' +
        '[base][2:v]overlay=120:800,split=2[vout][tsrc];' +
        '[tsrc]select=eq(n\\,12),scale=480:-2[thumb]',
    ],
    [
      'odd output and thumbnail sizes are rounded down to even',
      { output: { ...base.output, width: 1281, height: 721 }, thumbnail: { ...base.thumbnail, width: 321 } },
      '[0:v]scale=1280:720:force_original_aspect_ratio=increase,crop=1280:720,setsar=1[base];' +
        '[base][1:v]overlay=120:800,split=2[vout][tsrc];' +
        '[tsrc]select=eq(n\\,12),scale=320:-2[thumb]',
    ],
    [
      'odd master inset into a square frame stays even and centred',
      {
        master: { ...base.master, width: 639, height: 359 },
        plate: { path: '/scratch/plate.jpg', insetScale: 0.5 },
        output: { ...base.output, width: 1081, height: 1081 },
        label: { path: '/scratch/label.png', x: 10.6, y: 20.2 },
      },
      '[0:v]scale=540:302,setsar=1,split=2[fg][fgc];' +
        '[fgc]pad=1080:1080:270:388[canvas];' +
        '[1:v]scale=1080:1080:force_original_aspect_ratio=increase,crop=1080:1080,setsar=1[plate];' +
        '[canvas][plate]overlay=0:0[bg];' +
        '[bg][fg]overlay=270:388[base];' +
        '[base][2:v]overlay=11:20,split=2[vout][tsrc];' +
        '[tsrc]select=eq(n\\,12),scale=480:-2[thumb]',
    ],
    [
      'a thumbnail frame past the end takes the last frame',
      { thumbnail: { ...base.thumbnail, frame: 9999 } },
      '[0:v]scale=1920:1080:force_original_aspect_ratio=increase,crop=1920:1080,setsar=1[base];' +
        '[base][1:v]overlay=120:800,split=2[vout][tsrc];' +
        '[tsrc]select=eq(n\\,149),scale=480:-2[thumb]',
    ],
  ])('builds the filter graph: %s', (_name, change, graph) => {
    expect(graphOf(buildRenderArgs({ ...base, ...change }))).toBe(graph);
  });

  it('encodes the mp4 as H.264 yuv420p, keeping the master timestamps, with no audio when the master has none', () => {
    const args = buildRenderArgs(base);
    const mp4 = args.slice(args.indexOf('-filter_complex') + 2, args.indexOf('/scratch/out.mp4') + 1);
    expect(mp4).toEqual([
      '-map', '[vout]',
      '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20',
      '-pix_fmt', 'yuv420p', '-fps_mode', 'passthrough',
      '-an',
      '-movflags', '+faststart',
      '/scratch/out.mp4',
    ]);
  });

  it('carries the master audio over as AAC when there is some', () => {
    const args = buildRenderArgs({ ...base, master: { ...base.master, hasAudio: true } });
    const mp4 = args.slice(0, args.indexOf('/scratch/out.mp4'));
    expect(mp4).not.toContain('-an');
    expect(after(mp4, '-map', mp4.indexOf('[vout]'))).toBe('0:a?');
    expect(after(mp4, '-c:a')).toBe('aac');
  });

  it('writes exactly one JPEG thumbnail after the mp4', () => {
    const args = buildRenderArgs(base);
    expect(args.slice(args.indexOf('/scratch/out.mp4') + 1)).toEqual([
      '-map', '[thumb]', '-frames:v', '1', '-update', '1', '-q:v', '3', '/scratch/thumb.jpg',
    ]);
  });

  it.each<[string, Partial<RenderPlan>, string]>([
    ['bad crf', { output: { ...base.output, crf: 60 } }, 'crf must be an integer 0-51'],
    ['unknown preset', { output: { ...base.output, preset: 'turbo' } }, 'preset must be one of'],
    ['inset above 1', { plate: { path: '/p.jpg', insetScale: 1.2 } }, 'insetScale must be in (0, 1]'],
    ['no frames', { master: { ...base.master, frameCount: 0 } }, 'at least one frame'],
  ])('refuses a plan with %s', (_name, change, message) => {
    expect(() => buildRenderArgs({ ...base, ...change })).toThrow(message);
  });
});

describe('even / insetSize', () => {
  it.each([
    [0, 2],
    [1, 2],
    [2, 2],
    [3, 2],
    [1079.9, 1078],
    [1080, 1080],
  ])('even(%s) = %s', (n, e) => expect(even(n)).toBe(e));

  it('fits a portrait master into a landscape frame by height', () => {
    expect(insetSize({ width: 1080, height: 1920 }, { width: 1920, height: 1080 }, 1)).toEqual({
      width: 606,
      height: 1080,
      x: 656,
      y: 0,
    });
  });
});
