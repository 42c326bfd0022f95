import type { Quad } from '@shotmatrix/contracts';
import { IDENTITY, type Mat3 } from '@shotmatrix/domain';
import { buildCompositeArgs, escapePath } from './composite-args';
import type { CompositePlan } from './composite-plan';
import type { PlaneLabel } from './plane-label';
import { planPlateView } from './plate-view';

const frame = { width: 1920, height: 1080 };
const N = 50;
const pan = (t: number): Mat3 => [1, 0, -2 * t, 0, 1, 0, 0, 0, 1];

/** An unshaded label on a still plane, hidden where the master's own matte passes in front (occlusion null: always on top). */
function occludedPlaneLabel(): PlaneLabel {
  const quad: Quad = [
    [300, 100],
    [500, 100],
    [500, 200],
    [300, 200],
  ];
  const occlusion = { referencePath: '/w/ref.png', referenceSize: { width: 200, height: 100 }, mattePath: '/w/matte.mkv', threshold: 40 };
  return { path: '/w/plane.png', size: { width: 200, height: 100 }, quads: Array.from({ length: N }, () => quad), shading: 0, referenceLuma: 128, occlusion };
}

function plan(over: Partial<CompositePlan> = {}, motion: Mat3[] = Array.from({ length: N }, () => IDENTITY)): CompositePlan {
  return {
    master: { path: '/w/master.mkv', ...frame, fpsFraction: '25/1', frameCount: N, hasAudio: true },
    environment: {
      mattePath: '/w/matte.mkv',
      plate: { kind: 'image', path: '/w/plate.jpg', width: 3840, height: 2160 },
      view: planPlateView({ width: 3840, height: 2160 }, frame, motion),
      motion,
      chokePx: 1,
      featherPx: 3,
      lightWrap: 0,
      effects: [],
    },
    grade: null,
    structureAdherence: 1,
    harmonise: null,
    layers: [{ path: '/w/label.png', x: 96, y: 800, from: 0, to: N - 1 }],
    outputs: [{ kind: 'master', path: '/w/out.mp4' }],
    encode: { crf: 20, preset: 'veryfast' },
    thumbnail: { path: '/w/thumb.jpg', width: 480, frame: 25 },
    ...over,
  };
}

describe('buildCompositeArgs', () => {
  it('reads every input through the file protocol only and the graph from its script', () => {
    const { args } = buildCompositeArgs(plan(), '/w/graph.txt');
    const inputs = args.flatMap((a, i) => (a === '-i' ? [args[i + 1]] : []));
    expect(inputs).toEqual(['/w/master.mkv', '/w/matte.mkv', '/w/plate.jpg', '/w/label.png']);
    for (let i = 0; i < args.length; i++) if (args[i] === '-i') expect(args.slice(i - 2, i)).toEqual(['-protocol_whitelist', 'file']);
    expect(args).toContain('-filter_complex_script');
    expect(args.at(-1)).toBe('/w/thumb.jpg');
  });

  it.each<[string, Partial<CompositePlan>, Mat3[] | undefined, RegExp[], RegExp[]]>([
    ['a locked-off plate: one graded frame looped, no warp', {}, undefined, [/loop=loop=49:size=1/, /settb=1\/25,setpts=N/], [/perspective/]],
    ['a moving camera: the plate is warped per frame', {}, Array.from({ length: N }, (_, t) => pan(t)), [/perspective=x0=.*:sense=destination:eval=frame/], []],
    ['s = 1: the subject passes untouched', {}, undefined, [/\[0:v\]settb=1\/25,setpts=N\[subject/], [/lutyuv/]],
    ['choke and feather shape the matte', {}, undefined, [/format=gray,erosion,gblur=sigma=1\[alpha\]/], []],
    [
      'grade: plate at its amount, subject by frame amount × (1 − s)',
      { grade: { lutPath: '/w/warm.cube', plateAmount: 1, frameAmount: 0.5 }, structureAdherence: 0.5 },
      undefined,
      [/lut3d=file='\/w\/warm.cube'/, /all_opacity=0.25\b/, /all_opacity=0.5\b/],
      [],
    ],
    [
      'a premixed subject LUT is one lookup, no blend',
      { grade: { lutPath: '/w/warm.cube', plateAmount: 0, frameAmount: 0.5 }, structureAdherence: 0.5, subjectLutPath: '/w/warm-25.cube' },
      undefined,
      [/\[subject\d+\]format=gbrp,lut3d=file='\/w\/warm-25.cube'/],
      // The still plate is blended once; nothing blends per frame on the subject's path.
      [/warm-25\.cube'[^\n]*\n[^\n]*blend/],
    ],
    ['s = 1 keeps the subject out of the frame grade', { grade: { lutPath: '/w/warm.cube', plateAmount: 0, frameAmount: 1 } }, undefined, [], [/all_opacity/]],
    ['layers are timed by frame number', { layers: [{ path: '/w/super.png', x: 0, y: 0, from: 10, to: 40 }] }, undefined, [/enable='between\(n\\,10\\,40\)'/], []],
  ])('%s', (_name, over, motion, want, not) => {
    const { graph } = buildCompositeArgs(plan(over, motion), '/g');
    for (const w of want) expect(graph).toMatch(w);
    for (const n of not) expect(graph).not.toMatch(n);
  });

  it('reframes before the layers, after the QC tap, and sizes outputs from the window', () => {
    const x = Array.from({ length: N }, (_, i) => 2 * Math.round(i / 2));
    const { graph } = buildCompositeArgs(
      plan({ reframe: { width: 608, height: 1080, x, y: x.map(() => 0) }, qcTap: { path: '/w/qc.mkv', width: 640, height: 360 } }),
      '/g',
    );
    const at = (re: RegExp) => graph.search(re);
    expect(graph).toMatch(/crop=w=608:h=1080:x=.*n.*:y=0\[framed/);
    expect(at(/\[qcSrc\]scale=640:360/)).toBeLessThan(at(/crop=w=608/));
    expect(at(/crop=w=608/)).toBeLessThan(at(/overlay=96:800/));
    expect(graph).toMatch(/\[out0\]scale=608:1080/);
  });

  it('decodes the matte once when a plane label is occluded by the cut-out’s own matte', () => {
    const planeLabel = occludedPlaneLabel();
    const { args, graph } = buildCompositeArgs(plan({ planeLabel }), '/g');
    expect(args.filter((a) => a === '/w/matte.mkv')).toHaveLength(1);
    expect(graph).toMatch(/\[1:v\]settb=1\/25,setpts=N,format=gray,split=2\[matteCut\]\[matteOcc\]/);
    expect(graph).toMatch(/\[matteCut\]erosion,gblur=sigma=1\[alpha\]/);
    expect(graph).toMatch(/\[matteOcc\]crop=/);
  });

  it('reads what was made ahead instead of making it per frame: moved plate, shaped matte, occlusion key', () => {
    const planeLabel = { ...occludedPlaneLabel(), occlusionKeyPath: '/w/key.mkv' };
    const p = plan({ planeLabel }, Array.from({ length: N }, (_, t) => pan(t)));
    p.environment = { ...p.environment!, mattePath: '/w/shaped.mkv', matteShaped: true, movedPlatePath: '/w/moved.mkv' };
    const { args, graph } = buildCompositeArgs(p, '/g');
    const inputs = args.flatMap((a, i) => (a === '-i' ? [args[i + 1]] : []));
    expect(inputs).toEqual(['/w/master.mkv', '/w/shaped.mkv', '/w/moved.mkv', '/w/plane.png', '/w/key.mkv', '/w/label.png']);
    expect(graph).toMatch(/\[2:v\]settb=1\/25,setpts=N,format=yuv420p,fps=25\/1\[plate\d+\]/);
    expect(graph).toMatch(/\[1:v\]settb=1\/25,setpts=N,format=gray\[alpha\]/);
    expect(graph).toMatch(/\[4:v\]settb=1\/25,setpts=N,format=gray\[front\d+\]/);
    // No plate warp, no matte shaping, no per-frame occlusion test: only the label's own warp is left.
    expect(graph.match(/perspective=/g)).toHaveLength(1);
    expect(graph).not.toMatch(/erosion|gblur|abs\(x-y\)/);
  });

  it('lays graphics over in 4:2:0 when every deliverable is 4:2:0, in RGB when one is not', () => {
    const planeLabel = { ...occludedPlaneLabel(), occlusion: null };
    const yuv = buildCompositeArgs(plan({ planeLabel, outputs: [{ kind: 'draft', path: '/w/d.mp4' }, { kind: 'master', path: '/w/m.mp4' }] }), '/g').graph;
    expect(yuv.match(/overlay=[^[]*format=yuv420/g)).toHaveLength(3); // subject, plane label, corner label
    expect(yuv).not.toMatch(/format=auto/);
    const rgb = buildCompositeArgs(plan({ planeLabel, outputs: [{ kind: 'prores', path: '/w/p.mov' }] }), '/g').graph;
    expect(rgb.match(/overlay=[^[]*format=auto/g)).toHaveLength(2);
  });

  it('puts a still at an odd place exactly, in 4:2:0 too: one transparent column and row in front, laid at the even place before', () => {
    const { graph } = buildCompositeArgs(plan({ layers: [{ path: '/w/super.png', x: 97, y: 801, from: 0, to: 10 }] }), '/g');
    expect(graph).toMatch(/format=rgba,pad=w=iw\+1:h=ih\+1:x=1:y=1:color=black@0,format=yuva420p/);
    expect(graph).toMatch(/overlay=96:800:format=yuv420/);
    const even = buildCompositeArgs(plan({ layers: [{ path: '/w/super.png', x: 96, y: 800, from: 0, to: 10 }] }), '/g').graph;
    expect(even).not.toMatch(/pad=/);
    expect(even).toMatch(/overlay=96:800:format=yuv420/);
  });

  it('keeps a light graph on one filter thread, and slices heavy ones across the cores', () => {
    const threads = (p: CompositePlan) => {
      const { args } = buildCompositeArgs(p, '/g');
      const at = args.indexOf('-filter_complex_threads');
      return at < 0 ? 'ffmpeg' : args[at + 1];
    };
    const moving = Array.from({ length: N }, (_, t) => pan(t));
    const ahead = plan({}, moving);
    ahead.environment = { ...ahead.environment!, movedPlatePath: '/w/moved.mkv' };
    expect(threads(ahead)).toBe('1');
    // The plate warped here, a per-frame grade of the subject, more deliverables: ffmpeg's own choice.
    expect(threads(plan({}, moving))).toBe('ffmpeg');
    expect(threads({ ...ahead, grade: { lutPath: '/w/warm.cube', plateAmount: 0, frameAmount: 1 }, structureAdherence: 0.5 })).toBe('ffmpeg');
    expect(threads({ ...ahead, outputs: [{ kind: 'master', path: '/w/m.mp4' }, { kind: 'prores', path: '/w/p.mov' }] })).toBe('ffmpeg');
    // Set by the worker's config, it wins.
    expect(threads({ ...plan({}, moving), filterThreads: 3 })).toBe('3');
  });

  it('refuses a reframe path of the wrong length', () =>
    expect(() => buildCompositeArgs(plan({ reframe: { width: 608, height: 1080, x: [0], y: [0] } }), '/g')).toThrow('one position per master frame'));

  it('a video plate is looped by the demuxer, resampled to the master’s rate and cut to its length', () => {
    const p = plan();
    p.environment = { ...p.environment!, plate: { kind: 'video', path: '/w/plate.mp4', width: 3840, height: 2160 } };
    const { graph, args } = buildCompositeArgs(p, '/g');
    const at = args.indexOf('/w/plate.mp4');
    expect(args.slice(at - 5, at - 3)).toEqual(['-stream_loop', '-1']);
    expect(graph).toMatch(/\[2:v\]fps=25\/1,trim=end_frame=50,format=gbrp,crop=/);
    expect(graph).not.toMatch(/loop=loop=/);
  });

  it('keeps the master’s own surroundings: they take the frame grade in full, the subject only by (1 − s)', () => {
    const p = plan({ grade: { lutPath: '/w/warm.cube', plateAmount: 1, frameAmount: 0.6 }, frameLutPath: '/w/frame-60.cube' });
    p.environment = { ...p.environment!, plate: null, view: null, motion: [] };
    const { graph, args } = buildCompositeArgs(p, '/g');
    expect(args.filter((a) => a === '-i')).toHaveLength(3); // master, matte, label
    expect(graph).toMatch(/\[0:v\]split=2\[masterMain\]\[masterBg\]/);
    expect(graph).toMatch(/\[masterBg\]settb=1\/25,setpts=N\[bg\d+\]/);
    expect(graph).toMatch(/lut3d=file='\/w\/frame-60.cube'/);
    // s = 1: the subject path has no grade.
    expect(graph).toMatch(/\[masterMain\]settb=1\/25,setpts=N\[subject\d+\]/);
    expect(graph).not.toMatch(/\[subject\d+\]format=gbrp/);
    expect(graph).not.toMatch(/perspective/);
  });

  it('writes every deliverable from one split', () => {
    const { graph, args } = buildCompositeArgs(
      plan({ outputs: (['draft', 'master', 'prores', 'hdr10', 'exr'] as const).map((kind) => ({ kind, path: `/w/${kind}` })) }),
      '/g',
    );
    expect(graph).toMatch(/split=6\[out0\]\[out1\]\[out2\]\[out3\]\[out4\]\[thumbSrc\]/);
    expect(graph).toMatch(/\[out0\]scale=960:540/);
    expect(graph).toMatch(/zscale=p=bt2020:t=smpte2084:m=bt2020nc:r=tv:npl=203/);
    expect(args.join(' ')).toMatch(/-c:v prores_ks -profile:v 3/);
    expect(args.join(' ')).toMatch(/-c:v exr -format half/);
    // EXR frames carry no audio.
    const exrAt = args.indexOf('/w/exr');
    expect(args.slice(args.lastIndexOf('[v4]', exrAt), exrAt)).not.toContain('0:a?');
  });

  it.each<[string, Partial<CompositePlan>, string]>([
    ['no outputs', { outputs: [] }, 'at least one output'],
    ['a bad rate', { master: { path: 'm', ...frame, fpsFraction: '0/0', frameCount: N, hasAudio: false } }, 'is not a fraction'],
    ['s out of range', { structureAdherence: 2 }, 'structure adherence'],
    ['a layer ending before it starts', { layers: [{ path: 'l.png', x: 0, y: 0, from: 5, to: 2 }] }, 'has frames 5…2'],
  ])('refuses %s', (_n, over, msg) => expect(() => buildCompositeArgs(plan(over), '/g')).toThrow(msg));

  it('refuses camera motion of another length than the master', () => {
    expect(() => buildCompositeArgs(plan({}, [IDENTITY]), '/g')).toThrow('camera motion has 1 frames, the master 50');
  });

  it('escapes paths for the filtergraph', () => expect(escapePath("/a b/it's:x.cube")).toBe("'/a b/it'\\\\''s\\:x.cube'"));
});
