import { buildSyntheticMasterArgs } from './synthetic-master-args';

const opts = { scenePath: '/w/scene.png', outputPath: '/w/master.mp4', width: 960, height: 540, fps: 30, durationS: 5 };
const after = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

describe('buildSyntheticMasterArgs', () => {
  it('reads the still once from a local file and writes H.264 yuv420p without audio', () => {
    const args = buildSyntheticMasterArgs(opts);
    expect(args.slice(0, 6)).toEqual(['-protocol_whitelist', 'file', '-framerate', '30', '-i', '/w/scene.png']);
    expect(after(args, '-c:v')).toBe('libx264');
    expect(after(args, '-pix_fmt')).toBe('yuv420p');
    expect(args).toContain('-an');
    expect(args.at(-1)).toBe('/w/master.mp4');
  });

  it.each([
    [30, 5, '150'],
    [29.97, 2, '60'],
    [25, 0.1, '3'],
  ])('makes round(fps × duration) frames: %s fps × %s s', (fps, durationS, frames) => {
    const args = buildSyntheticMasterArgs({ ...opts, fps, durationS });
    expect(after(args, '-frames:v')).toBe(frames);
    expect(after(args, '-r')).toBe(String(fps));
  });

  it('moves the camera with time: crop and zoom depend on t, and the output size is fixed and even', () => {
    const graph = after(buildSyntheticMasterArgs({ ...opts, width: 961, height: 541 }), '-filter_complex');
    expect(graph).toMatch(/loop=loop=-1:size=1/);
    expect(graph).toMatch(/crop=w=.*?:x=\(iw-ow\)\/2\+.*t\/5\.000000/);
    expect(graph).toMatch(/scale=w=2\*trunc\(1920\*\(1\+0\.12\*.*eval=frame/);
    expect(graph).toMatch(/scale=960:540:flags=lanczos,setsar=1,format=yuv420p\[v\]$/);
  });

  it('refuses a shot of no length', () => {
    expect(() => buildSyntheticMasterArgs({ ...opts, durationS: 0 })).toThrow('positive size, fps and duration');
  });
});
