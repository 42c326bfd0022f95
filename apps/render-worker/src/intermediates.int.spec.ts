import { mkdir } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import * as path from 'node:path';
import { environmentFor, OCCLUSION_THRESHOLD, type OutputKind, type PlaneLabel } from '@shotmatrix/compositor';
import type { Quad } from '@shotmatrix/contracts';
import { countFrames, probeVideo, runFfmpeg, type MediaTools } from '@shotmatrix/media';
import { createRedis } from '@shotmatrix/queue';
import { createObjectStore, type ObjectStore } from '@shotmatrix/storage';
import { createTestEnv, SHARED_MEDIA, type TestEnv } from '@shotmatrix/testing';
import { DEFAULT_COMPOSITE_SETTINGS, IDENTITY, type Mat3 } from '@shotmatrix/domain';
import { takeLease, withIntermediates, type IntermediateSources } from './intermediates';

const tools: MediaTools = { ffmpegPath: 'ffmpeg', ffprobePath: 'ffprobe' };
const W = 320;
const H = 180;
const N = 20;

/**
 * The intermediates cells share, made by the first cell that needs them and
 * fetched by the next (real ffmpeg, the test environment's object store).
 */
describe('shared intermediates (real ffmpeg, real store, real Redis)', () => {
  let env: TestEnv;
  let store: ObjectStore;
  let redis: Redis;
  let work: string;
  let masterPath: string;
  let mattePath: string;
  let referencePath: string;

  beforeAll(async () => {
    env = await createTestEnv('intermediates');
    store = createObjectStore(env.config.storage);
    await store.ensureReady();
    redis = createRedis(env.config.redisUrl, 'queue');
    work = env.config.workDir;
    masterPath = path.join(work, 'master.mp4');
    mattePath = path.join(work, 'matte.mkv');
    referencePath = path.join(work, 'reference.png');
    await runFfmpeg(tools, ['-i', path.join(SHARED_MEDIA, 'clips', 'macro_flower_mdn.mp4'), '-frames:v', String(N), '-vf', `scale=${W}:${H},setsar=1`, '-r', '25', '-c:v', 'libx264', '-crf', '18', '-an', masterPath]);
    // A matte: an ellipse in the middle of the frame.
    await runFfmpeg(tools, ['-f', 'lavfi', '-i', `color=black:s=${W}x${H}:r=25:d=${N / 25}`, '-vf', "format=gray,geq=lum='if(lt(pow((X-160)/70\\,2)+pow((Y-90)/60\\,2)\\,1)\\,255\\,0)'", '-frames:v', String(N), '-c:v', 'ffv1', mattePath]);
    await runFfmpeg(tools, ['-f', 'lavfi', '-i', 'color=c=0x808080:s=60x30,format=rgba', '-frames:v', '1', referencePath]);
  });
  afterAll(async () => {
    await redis?.quit();
    await env?.cleanup();
  });

  const master = () => ({ path: masterPath, width: W, height: H, fpsFraction: '25/1', frameCount: N, hasAudio: false });
  const pan = (t: number): Mat3 => [1, 0, -1.5 * t, 0, 1, 0.5 * t, 0, 0, 1];

  async function cell(name: string, o: { choke?: number; gradePlate?: number; still?: boolean; deliverables?: OutputKind[]; labelSize?: { width: number; height: number } } = {}) {
    const plate = { kind: 'image' as const, path: path.join(SHARED_MEDIA, 'plates', 'mountains_lake_sherburne_budgie.jpg'), width: 3840, height: 2160 };
    const motion = Array.from({ length: N }, (_, t) => (t && !o.still ? pan(t) : IDENTITY));
    const settings = { ...DEFAULT_COMPOSITE_SETTINGS, choke: o.choke ?? 1 };
    const environment = environmentFor({ mattePath, plate, motion, frame: { width: W, height: H }, settings, structureAdherence: 1, graded: true });
    const quad: Quad = [
      [100, 40],
      [200, 40],
      [200, 90],
      [100, 90],
    ];
    const planeLabel: PlaneLabel = {
      path: referencePath,
      size: o.labelSize ?? { width: 60, height: 30 },
      quads: Array.from({ length: N }, () => quad),
      shading: 1,
      referenceLuma: 128,
      // Rectified at the plane's own size, as the worker does: any label on the plane shares the key.
      occlusion: { referencePath, referenceSize: { width: 60, height: 30 }, mattePath, threshold: OCCLUSION_THRESHOLD },
    };
    const lutPath = path.join(SHARED_MEDIA, 'luts', 'warm_cinema.cube');
    const sources: IntermediateSources = { master: 'analyses/m/mezzanine.mp4', matte: 'analyses/m/matte.mkv', plate: 'p'.repeat(64), lut: 'luts/warm.cube' };
    const dir = path.join(work, name);
    await mkdir(dir, { recursive: true });
    return withIntermediates(
      { store, tools, redis, leasePrefix: env.config.queuePrefix },
      dir,
      { master: master(), environment, grade: { lutPath, plateAmount: o.gradePlate ?? 1, frameAmount: 0.5 }, planeLabel, deliverables: o.deliverables ?? ['master'], sources },
      new AbortController().signal,
    );
  }
  const kinds = ['moved-plate', 'occlusion-key', 'shaped-matte'];

  it('makes each intermediate once even for cells that start together, and the next cells fetch it', async () => {
    // Two cells at once: one takes each lease and makes, the other waits and fetches.
    const [a, b] = await Promise.all([cell('first'), cell('twin')]);
    expect([...a.made, ...b.made].sort()).toEqual(kinds);
    expect([...a.reused, ...b.reused].sort()).toEqual(kinds);
    const env1 = a.environment!;
    expect(env1.matteShaped).toBe(true);
    for (const file of [env1.mattePath, env1.movedPlatePath!, a.planeLabel!.occlusionKeyPath!]) expect(await countFrames(tools, file)).toBe(N);
    expect(await probeVideo(tools, env1.movedPlatePath!)).toMatchObject({ width: W, height: H });

    const later = await cell('later');
    expect(later.made).toEqual([]);
    expect(later.reused.sort()).toEqual(kinds);
  });

  it('holds a lease for one maker, renews it while held, and never renews or frees a lease that has passed to another', async () => {
    const key = `${env.config.queuePrefix}:lease-test`;
    const release = await takeLease(redis, key, 300);
    expect(release).not.toBeNull();
    expect(await takeLease(redis, key, 300)).toBeNull();
    // Held past its first term: renewed.
    await sleep(450);
    expect(await redis.pttl(key)).toBeGreaterThan(0);
    // The holder stalled and its lease went to another: its renewals must not keep that one alive…
    await redis.set(key, 'another', 'PX', 250);
    await sleep(400);
    expect(await redis.get(key)).toBeNull();
    // …nor may its release free the lease of whoever holds it now.
    await redis.set(key, 'third', 'PX', 5000);
    await release!();
    expect(await redis.get(key)).toBe('third');
    await redis.del(key);
    // Free again: the next maker takes it, and its release frees it.
    const next = await takeLease(redis, key, 300);
    await next!();
    expect(await redis.exists(key)).toBe(0);
  });

  it('makes again exactly what an input changes, and nothing it does not need', async () => {
    // Another choke is another shaped matte; the plate and the key do not depend on it.
    const choke = await cell('choke', { choke: 2 });
    expect(choke.made).toEqual(['shaped-matte']);
    // Another grade of the plate is another moved plate.
    const grade = await cell('grade', { gradePlate: 0.5 });
    expect(grade.made).toEqual(['moved-plate']);
    // Another label (another raster size) on the same plane: the same occlusion key, and nothing else to make.
    const otherLabel = await cell('other-label', { labelSize: { width: 90, height: 60 } });
    expect(otherLabel.made).toEqual([]);
    expect(otherLabel.reused.sort()).toEqual(kinds);
    // A plate that does not move is looped in the composite itself, and a ProRes cell warps its own: no moved plate.
    const still = await cell('still', { still: true });
    expect(still.environment!.movedPlatePath).toBeUndefined();
    const prores = await cell('prores', { deliverables: ['master', 'prores'] });
    expect(prores.environment!.movedPlatePath).toBeUndefined();
    expect(prores.reused.sort()).toEqual(['occlusion-key', 'shaped-matte']);
  });
});
