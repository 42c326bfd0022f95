import type { Quad } from '@shotmatrix/contracts';
import { IDENTITY, type Mat3 } from '@shotmatrix/domain';
import { buildMovedPlateArgs, buildOcclusionKeyArgs, buildShapedMatteArgs, intermediateKey } from './intermediates';
import { planPlateView } from './plate-view';

const frame = { width: 1920, height: 1080 };
const N = 30;
const master = { path: '/in/master', ...frame, fpsFraction: '25/1', frameCount: N, hasAudio: false };
const pan = (t: number): Mat3 => [1, 0, -2 * t, 0, 1, 0, 0, 0, 1];
const environment = (motion: Mat3[]) => ({
  mattePath: '/in/matte',
  plate: { kind: 'image' as const, path: '/in/plate', width: 3840, height: 2160 },
  view: planPlateView({ width: 3840, height: 2160 }, frame, motion),
  motion,
  chokePx: 1,
  featherPx: 3,
  lightWrap: 0,
  effects: [],
});
const quad: Quad = [
  [300, 100],
  [500, 100],
  [500, 200],
  [300, 200],
];

describe('intermediates', () => {
  it('moves the plate with the graph the composite would use, encoded near-lossless for every master frame', () => {
    const motion = Array.from({ length: N }, (_, t) => pan(t));
    const { args, graph } = buildMovedPlateArgs({ master, environment: environment(motion), grade: { lutPath: '/in/lut', plateAmount: 1, frameAmount: 0.5 }, outputPath: '/out/p.mkv' }, '/g');
    expect(graph).toMatch(/lut3d=file='\/in\/lut'/);
    expect(graph).toMatch(/perspective=x0=.*:sense=destination:eval=frame/);
    expect(args.join(' ')).toMatch(/-frames:v 30 -fps_mode passthrough -c:v libx264 -preset ultrafast -crf 14 -pix_fmt yuv420p -an \/out\/p.mkv$/);
    expect(() => buildMovedPlateArgs({ master, environment: { ...environment(motion), plate: null }, grade: null, outputPath: '/o' }, '/g')).toThrow('has no plate');
  });

  it('shapes the matte losslessly (choke, feather)', () => {
    const { args, graph } = buildShapedMatteArgs({ master, mattePath: '/in/matte', chokePx: 2, featherPx: 3, outputPath: '/out/m.mkv' }, '/g');
    expect(graph).toBe('[0:v]settb=1/25,setpts=N,format=gray,erosion,erosion,gblur=sigma=1[shaped]');
    expect(args.join(' ')).toMatch(/-c:v ffv1 -pix_fmt gray -an \/out\/m.mkv$/);
  });

  it('works the occlusion key out in the plane’s moving window, losslessly; a plane never tracked has none', () => {
    const quads = Array.from({ length: N }, (_, t) => quad.map(([x, y]) => [x + 3 * t, y]) as Quad);
    const occlusion = { referencePath: '/in/ref', referenceSize: { width: 200, height: 100 }, mattePath: '/in/matte', threshold: 40 };
    const { args, graph } = buildOcclusionKeyArgs({ master, label: { quads }, occlusion, outputPath: '/out/k.mkv' }, '/g');
    expect(graph).toMatch(/\[0:v\]settb=1\/25,setpts=N,crop=w=\d+:h=\d+:x=if\(lt\(n/);
    expect(graph).toMatch(/abs\(x-y\)\\,40/);
    expect(args.join(' ')).toMatch(/-c:v ffv1 -pix_fmt gray -an \/out\/k.mkv$/);
    expect(() => buildOcclusionKeyArgs({ master, label: { quads: [null] }, occlusion, outputPath: '/o' }, '/g')).toThrow('not tracked');
  });

  it('names an intermediate by what makes it: the same command and inputs give the same name, any change another', () => {
    const make = (featherPx: number) => buildShapedMatteArgs({ master, mattePath: '/in/matte', chokePx: 1, featherPx, outputPath: '/out/m.mkv' }, '/g');
    const ids = { master: 'analyses/a/mezzanine.mp4', matte: 'analyses/a/matte.mkv' };
    const name = intermediateKey('shaped-matte', make(3), ids);
    expect(name).toMatch(/^intermediates\/shaped-matte\/[0-9a-f]{64}\.mkv$/);
    expect(intermediateKey('shaped-matte', make(3), { matte: ids.matte, master: ids.master })).toBe(name);
    expect(intermediateKey('shaped-matte', make(4), ids)).not.toBe(name);
    expect(intermediateKey('shaped-matte', make(3), { ...ids, matte: 'analyses/b/matte.mkv' })).not.toBe(name);
    expect(intermediateKey('occlusion-key', make(3), ids)).not.toBe(name);
    // A still plate's view: the same motion gives the same graph.
    expect(buildMovedPlateArgs({ master, environment: environment([IDENTITY]), grade: null, outputPath: '/o' }, '/g').graph).not.toMatch(/perspective/);
  });
});
