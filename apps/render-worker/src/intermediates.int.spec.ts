import { mkdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { environmentFor, OCCLUSION_THRESHOLD, type PlaneLabel } from '@shotmatrix/compositor';
import type { Quad } from '@shotmatrix/contracts';
import { countFrames, probeVideo, runFfmpeg, type MediaTools } from '@shotmatrix/media';
import { createObjectStore, type ObjectStore } from '@shotmatrix/storage';
import { createTestEnv, SHARED_MEDIA, type TestEnv } from '@shotmatrix/testing';
import { DEFAULT_COMPOSITE_SETTINGS, IDENTITY, type Mat3 } from '@shotmatrix/domain';
import { withIntermediates, type IntermediateSources } from './intermediates';

const tools: MediaTools = { ffmpegPath: 'ffmpeg', ffprobePath: 'ffprobe' };
const W = 320;
const H = 180;
const N = 20;

/**
 * The intermediates cells share, made by the first cell that needs them and
 * fetched by the next (real ffmpeg, the test environment's object store).
 */
describe('shared intermediates (real ffmpeg, real store)', () => {
  let env: TestEnv;
  let store: ObjectStore;
  let work: string;
  let masterPath: string;
  let mattePath: string;
  let referencePath: string;

  beforeAll(async () => {
    env = await createTestEnv('intermediates');
    store = createObjectStore(env.config.storage);
    await store.ensureReady();
    work = env.config.workDir;
    masterPath = path.join(work, 'master.mp4');
    mattePath = path.join(work, 'matte.mkv');
    referencePath = path.join(work, 'reference.png');
    await runFfmpeg(tools, ['-i', path.join(SHARED_MEDIA, 'clips', 'macro_flower_mdn.mp4'), '-frames:v', String(N), '-vf', `scale=${W}:${H},setsar=1`, '-r', '25', '-c:v', 'libx264', '-crf', '18', '-an', masterPath]);
    // A matte: an ellipse in the middle of the frame.
    await runFfmpeg(tools, ['-f', 'lavfi', '-i', `color=black:s=${W}x${H}:r=25:d=${N / 25}`, '-vf', "format=gray,geq=lum='if(lt(pow((X-160)/70\\,2)+pow((Y-90)/60\\,2)\\,1)\\,255\\,0)'", '-frames:v', String(N), '-c:v', 'ffv1', mattePath]);
    await runFfmpeg(tools, ['-f', 'lavfi', '-i', 'color=c=0x808080:s=60x30,format=rgba', '-frames:v', '1', referencePath]);
  });
  afterAll(() => env?.cleanup());

  const master = () => ({ path: masterPath, width: W, height: H, fpsFraction: '25/1', frameCount: N, hasAudio: false });
  const pan = (t: number): Mat3 => [1, 0, -1.5 * t, 0, 1, 0.5 * t, 0, 0, 1];

  async function cell(name: string, choke: number) {
    const plate = { kind: 'image' as const, path: path.join(SHARED_MEDIA, 'plates', 'mountains_lake_sherburne_budgie.jpg'), width: 3840, height: 2160 };
    const motion = Array.from({ length: N }, (_, t) => (t ? pan(t) : IDENTITY));
    const settings = { ...DEFAULT_COMPOSITE_SETTINGS, choke };
    const environment = environmentFor({ mattePath, plate, motion, frame: { width: W, height: H }, settings, structureAdherence: 1, graded: false });
    const quad: Quad = [
      [100, 40],
      [200, 40],
      [200, 90],
      [100, 90],
    ];
    const planeLabel: PlaneLabel = {
      path: referencePath,
      size: { width: 60, height: 30 },
      quads: Array.from({ length: N }, () => quad),
      shading: 1,
      referenceLuma: 128,
      occlusion: { referencePath, mattePath, threshold: OCCLUSION_THRESHOLD },
    };
    const sources: IntermediateSources = { master: 'masters/m.mp4', matte: 'analyses/m/matte.mkv', plate: { key: 'plates/p.jpg', sha256: 'p'.repeat(64) }, lut: null };
    const dir = path.join(work, name);
    await mkdir(dir, { recursive: true });
    return withIntermediates({ store, tools }, dir, { master: master(), environment, grade: null, planeLabel, sources }, new AbortController().signal);
  }

  it('makes each intermediate once, stores it, and lets the next cell fetch the same bytes', async () => {
    const first = await cell('first', 1);
    expect(first.made.sort()).toEqual(['matte-shaped', 'occlusion-key', 'plate-moved']);
    expect(first.reused).toEqual([]);
    const env1 = first.environment!;
    expect(env1.matteShaped).toBe(true);
    for (const file of [env1.mattePath, env1.movedPlatePath!, first.planeLabel!.occlusionKeyPath!]) expect(await countFrames(tools, file)).toBe(N);
    expect(await probeVideo(tools, env1.movedPlatePath!)).toMatchObject({ width: W, height: H });

    const second = await cell('second', 1);
    expect(second.made).toEqual([]);
    expect(second.reused.sort()).toEqual(['matte-shaped', 'occlusion-key', 'plate-moved']);
    const same = async (a: string, b: string) => Buffer.compare(await readFile(a), await readFile(b)) === 0;
    expect(await same(env1.movedPlatePath!, second.environment!.movedPlatePath!)).toBe(true);
    expect(await same(env1.mattePath, second.environment!.mattePath)).toBe(true);

    // Another choke is another shaped matte; the plate and the key do not depend on it.
    const third = await cell('third', 2);
    expect(third.made).toEqual(['matte-shaped']);
    expect(third.reused.sort()).toEqual(['occlusion-key', 'plate-moved']);
    expect(await same(env1.mattePath, third.environment!.mattePath)).toBe(false);
  });
});
