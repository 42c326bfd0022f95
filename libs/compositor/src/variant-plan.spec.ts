import { DEFAULT_COMPOSITE_SETTINGS, IDENTITY } from '@shotmatrix/domain';
import { environmentFor, lutPremixes, qcTapFor, variantPlan } from './variant-plan';

const frame = { width: 1920, height: 1080 };
const plate = { kind: 'image' as const, path: 'plate.jpg', width: 3840, height: 2160 };
const base = { mattePath: 'matte.mkv', plate: null, motion: [], frame, settings: DEFAULT_COMPOSITE_SETTINGS, structureAdherence: 1, graded: false };

describe('environmentFor', () => {
  it('puts a plate behind the subject, moved by the motion, with the settings’ edges', () => {
    const env = environmentFor({ ...base, plate, motion: [IDENTITY, IDENTITY] })!;
    expect(env).toMatchObject({ mattePath: 'matte.mkv', plate, chokePx: 1, featherPx: 2, lightWrap: 0, effects: [] });
    expect(env.motion).toHaveLength(2);
    expect(env.view!.rect.width).toBeGreaterThan(0);
  });

  it.each([
    ['no matte', { mattePath: null, plate, graded: true }, 'none'],
    ['no plate, no grade', {}, 'none'],
    ['no plate, graded, s = 1: the subject must keep its pixels', { graded: true }, 'own'],
    ['no plate, graded, s = 0: subject and surroundings take the same grade', { graded: true, structureAdherence: 0 }, 'none'],
  ])('%s', (_what, extra, want) => {
    const env = environmentFor({ ...base, ...extra });
    expect(env === null ? 'none' : env.plate ? 'plate' : 'own').toBe(want);
  });
});

describe('lutPremixes', () => {
  it('gives the subject gradeFrame × (1 − s), and the own surroundings the frame grade', () => {
    const own = environmentFor({ ...base, graded: true, structureAdherence: 0.8 });
    expect(lutPremixes(DEFAULT_COMPOSITE_SETTINGS, 0.8, own)).toEqual({ subject: expect.closeTo(0.1, 9), frame: 0.5 });
    expect(lutPremixes(DEFAULT_COMPOSITE_SETTINGS, 1, environmentFor({ ...base, plate }))).toEqual({ subject: 0, frame: 0 });
  });
});

describe('variantPlan', () => {
  it('uses the delivery encode, a thumbnail mid-shot and a QC tap at QC size', () => {
    const plan = variantPlan({
      master: { path: 'm.mp4', ...frame, fpsFraction: '25/1', frameCount: 125, hasAudio: true },
      settings: DEFAULT_COMPOSITE_SETTINGS,
      structureAdherence: 1,
      environment: null,
      grade: { lutPath: 'g.cube', subjectLutPath: null, frameLutPath: null },
      harmonise: null,
      reframe: null,
      planeLabel: null,
      layers: [],
      outputs: [{ kind: 'master', path: 'out.mp4' }],
      workDir: 'w',
    });
    expect(plan.encode).toEqual({ crf: 20, preset: 'veryfast' });
    expect(plan.grade).toEqual({ lutPath: 'g.cube', plateAmount: 1, frameAmount: 0.5 });
    expect(plan.thumbnail).toEqual({ path: 'w/thumb.jpg', width: 480, frame: 62 });
    expect(plan.qcTap!.width).toBeLessThanOrEqual(640);
  });

  it('writes a raw QC tap for a short shot and FFV1 for a long one', () => {
    expect(qcTapFor({ ...frame, frameCount: 150 }, 'w')).toMatchObject({ path: 'w/qc.nut', width: 640, height: 360 });
    // 640 × 360 grey frames: past 512 MiB after 2,330 of them (about 78 s at 30 fps).
    expect(qcTapFor({ ...frame, frameCount: 2400 }, 'w').path).toBe('w/qc.mkv');
  });
});
