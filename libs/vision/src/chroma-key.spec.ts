import { agreeOnKey, buildChromaMatteArgs, buildDespillFilter, hexColour, isKeyLike, keyHue, type ChromaMatteOptions, type Rgb } from './chroma-key';

const base: ChromaMatteOptions = { inputPath: 'in.mp4', outputPath: 'matte.mkv', keyColour: [0, 177, 64] };
const vf = (args: string[]) => args[args.indexOf('-vf') + 1];

describe('buildChromaMatteArgs', () => {
  it('keys at full chroma resolution, extracts alpha, chokes, softens, and writes lossless grey', () => {
    expect(buildChromaMatteArgs(base)).toEqual([
      '-protocol_whitelist', 'file',
      '-i', 'in.mp4',
      '-an', '-sn', '-dn',
      '-vf', 'format=yuva444p,chromakey=color=0x00B140:similarity=0.08:blend=0.05,alphaextract,erosion,gblur=sigma=0.7,format=gray',
      '-fps_mode', 'passthrough',
      '-c:v', 'ffv1', '-level', '3', '-g', '1', '-pix_fmt', 'gray', '-f', 'matroska', 'matte.mkv',
    ]);
  });

  it.each<[string, Partial<ChromaMatteOptions>, string]>([
    ['yellow wall, tighter key', { keyColour: [210, 210, 20], similarity: 0.06, blend: 0.02 }, 'chromakey=color=0xD2D214:similarity=0.06:blend=0.02,'],
    ['hard key: no blend', { blend: 0 }, ':blend=0,'],
    ['no choke', { chokePx: 0 }, 'alphaextract,gblur=sigma=0.7,format=gray'],
    ['two-pixel choke', { chokePx: 2 }, 'alphaextract,erosion,erosion,gblur'],
    ['no softening', { softness: 0 }, 'erosion,format=gray'],
    ['channels are rounded to bytes', { keyColour: [12.4, 254.6, 0] }, 'color=0x0CFF00:'],
    ['a range selects by frame number and restarts the clock', { startFrame: 10, frameCount: 5 }, "select='between(n\\,10\\,14)',setpts=PTS-STARTPTS,format=yuva444p"],
    ['from a frame to the end', { startFrame: 10 }, "select='gte(n\\,10)',setpts=PTS-STARTPTS,"],
  ])('%s', (_name, o, fragment) => {
    expect(vf(buildChromaMatteArgs({ ...base, ...o }))).toContain(fragment);
  });

  it('stops after the range', () => {
    const args = buildChromaMatteArgs({ ...base, startFrame: 3, frameCount: 7 });
    expect(args.slice(args.indexOf('-frames:v'), args.indexOf('-frames:v') + 2)).toEqual(['-frames:v', '7']);
    expect(buildChromaMatteArgs(base)).not.toContain('-frames:v');
  });

  it.each<[Partial<ChromaMatteOptions>, RegExp]>([
    [{ similarity: 0 }, /similarity/],
    [{ similarity: 1.5 }, /similarity/],
    [{ blend: -0.1 }, /blend/],
    [{ chokePx: 1.5 }, /chokePx/],
    [{ chokePx: 9 }, /chokePx/],
    [{ softness: 11 }, /softness/],
    [{ keyColour: [0, NaN, 0] }, /keyColour/],
    [{ keyColour: [0, 300, 0] }, /keyColour/],
  ])('refuses %j', (o, message) => {
    expect(() => buildChromaMatteArgs({ ...base, ...o })).toThrow(message);
  });
});

describe('hexColour', () => {
  it.each<[Rgb, string]>([
    [[0, 0, 0], '0x000000'],
    [[255, 128, 1], '0xFF8001'],
    [[210.6, 209.4, 20], '0xD3D114'],
  ])('%j → %s', (rgb, hex) => expect(hexColour(rgb)).toBe(hex));
});

describe('keyHue', () => {
  it.each<[Rgb, string]>([
    [[0, 177, 64], 'green'],
    [[30, 70, 190], 'blue'],
    [[210, 210, 20], 'yellow'],
    [[185, 192, 16], 'yellow'],
    [[200, 30, 20], 'red'],
    [[200, 20, 190], 'magenta'],
    [[20, 190, 200], 'cyan'],
  ])('%j is %s', (rgb, hue) => expect(keyHue(rgb)).toBe(hue));
});

describe('buildDespillFilter', () => {
  it.each<[string, Rgb, string]>([
    ['green screen', [0, 177, 64], 'format=gbrp,despill=type=green:mix=0.5:expand=0:red=0:green=-1:blue=0'],
    // despill's own default (green −1) would take green away from a blue screen's subject.
    ['blue screen: the blue channel is scaled, not green', [30, 70, 190], 'format=gbrp,despill=type=blue:mix=0.5:expand=0:red=0:green=0:blue=-1'],
    [
      'red key: swap red and green, despill green, swap back',
      [200, 30, 20],
      'format=gbrp,colorchannelmixer=rr=0:rg=1:gr=1:gg=0,despill=type=green:mix=0.5:expand=0:red=0:green=-1:blue=0,colorchannelmixer=rr=0:rg=1:gr=1:gg=0',
    ],
    [
      'yellow key: negate (yellow becomes blue), despill blue, negate back',
      [210, 210, 20],
      'format=gbrp,negate,despill=type=blue:mix=0.5:expand=0:red=0:green=0:blue=-1,negate',
    ],
    ['magenta key: negated it is green', [200, 20, 190], 'format=gbrp,negate,despill=type=green:mix=0.5:expand=0:red=0:green=-1:blue=0,negate'],
    [
      'cyan key: negated it is red',
      [20, 190, 200],
      'format=gbrp,negate,colorchannelmixer=rr=0:rg=1:gr=1:gg=0,despill=type=green:mix=0.5:expand=0:red=0:green=-1:blue=0,colorchannelmixer=rr=0:rg=1:gr=1:gg=0,negate',
    ],
  ])('%s', (_name, key, filter) => {
    expect(buildDespillFilter(key)).toBe(filter);
  });

  it('passes mix, expand and amount through and checks them', () => {
    expect(buildDespillFilter([0, 177, 64], { mix: 0.7, expand: 0.25 })).toContain('mix=0.7:expand=0.25');
    expect(buildDespillFilter([210, 210, 20], { amount: 0.5 })).toContain('despill=type=blue:mix=0.5:expand=0:red=0:green=0:blue=-0.5');
    expect(() => buildDespillFilter([0, 177, 64], { amount: 1.5 })).toThrow(/amount/);
    expect(() => buildDespillFilter([0, 177, 64], { mix: 2 })).toThrow(/mix/);
    expect(() => buildDespillFilter([0, 177, 64], { expand: -1 })).toThrow(/expand/);
  });
});

describe('key colour decisions', () => {
  it.each<[string, Rgb, boolean]>([
    ['green screen', [0, 177, 64], true],
    ['dim green screen', [40, 160, 50], true],
    ['yellow wall', [210, 210, 20], true],
    ['grey studio wall', [128, 130, 126], false],
    ['brown soil', [138, 98, 62], false],
    ['wooden floor', [143, 90, 47], false],
    ['near black', [10, 40, 10], false],
  ])('%s %j is key-like: %s', (_name, rgb, expected) => expect(isKeyLike(rgb)).toBe(expected));

  it('needs most sampled frames to agree', () => {
    expect(agreeOnKey([[0, 177, 64], [2, 175, 66], [1, 180, 60]])).toEqual([1, 177, 64]);
    expect(agreeOnKey([[0, 177, 64], [2, 175, 66], null])).toEqual([1, 176, 65]);
    expect(agreeOnKey([[0, 177, 64], null, null])).toBeNull();
    expect(agreeOnKey([])).toBeNull();
  });

  it('refuses frames that disagree on the colour, or a colour that is no key', () => {
    expect(agreeOnKey([[0, 177, 64], [30, 70, 190], [0, 177, 64]])).toBeNull();
    expect(agreeOnKey([[128, 128, 128], [128, 128, 128]])).toBeNull();
  });
});
