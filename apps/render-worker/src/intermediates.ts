import { createHash, randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import {
  buildMovedPlateArgs,
  buildOcclusionKeyArgs,
  buildShapedMatteArgs,
  intermediateKey,
  planeWindow,
  plateMoves,
  type CompositeCommand,
  type CompositePlan,
  type Environment,
  type MasterInput,
  type OutputKind,
  type PlaneLabel,
} from '@shotmatrix/compositor';
import { DomainError } from '@shotmatrix/domain';
import { countFrames, probeVideo, runFfmpeg, type MediaTools } from '@shotmatrix/media';
import type { ObjectStore } from '@shotmatrix/storage';

/** Content ids of what the intermediates are made from (content-addressed storage keys or hashes): equal ids, equal pixels. */
export interface IntermediateSources {
  master: string;
  matte: string | null;
  plate: string | null;
  lut: string | null;
}

export interface IntermediateDeps {
  store: ObjectStore;
  tools: MediaTools;
  /** Leases, so that cells started together wait for one maker instead of each making the same thing. */
  redis: Redis;
  leasePrefix: string;
}

/** How long a maker holds its lease without renewing it (it renews while it works; a dead maker's lease lapses). */
const LEASE_MS = 60_000;
/** How often a waiting cell looks whether the intermediate has arrived. */
const POLL_MS = 500;

/** Lease scripts: each acts only when the lease still holds the caller's token. */
const RENEW_IF_OWNED = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0";
const RELEASE_IF_OWNED = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0";

/**
 * Takes a Redis lease if nobody holds it: renewed every third of `ms` while
 * held, and lapsing `ms` after its holder dies. Returns its release, or null
 * when another holds it. Renewal and release touch the lease only while it is
 * still this holder's, so a holder that stalled past its lease never extends
 * or frees the next holder's.
 */
export async function takeLease(redis: Redis, key: string, ms: number): Promise<(() => Promise<void>) | null> {
  const token = randomUUID();
  if ((await redis.set(key, token, 'PX', ms, 'NX')) !== 'OK') return null;
  const renew = setInterval(() => void redis.eval(RENEW_IF_OWNED, 1, key, token, String(ms)).catch(() => undefined), ms / 3);
  // Renewing is not a reason to keep a process alive.
  renew.unref();
  return async () => {
    clearInterval(renew);
    await redis.eval(RELEASE_IF_OWNED, 1, key, token).catch(() => undefined);
  };
}

type Kind = Parameters<typeof intermediateKey>[0];
type Build = (inputs: Record<string, string>, outputPath: string, graphPath: string) => CompositeCommand;

/**
 * The intermediates a composite reads instead of making them every frame
 * (compositor's intermediates.ts): fetched when another cell already made
 * them; else made here, checked (every master frame, the right size) and
 * stored for the next. Cells that start together take a lease per
 * intermediate: one makes it, the others wait for it to appear.
 *
 * The moved plate is made only where it saves work and costs no quality: a
 * plate that moves (or a video plate) and deliverables that are all 4:2:0
 * H.264 (the intermediate is a near-lossless x264 encode; ProRes, HDR10 and
 * EXR cells warp their plate in their own pass).
 */
export async function withIntermediates(
  deps: IntermediateDeps,
  work: string,
  i: {
    master: MasterInput;
    environment: Environment | null;
    grade: CompositePlan['grade'];
    planeLabel: PlaneLabel | null;
    deliverables: OutputKind[];
    sources: IntermediateSources;
  },
  signal: AbortSignal,
): Promise<{ environment: Environment | null; planeLabel: PlaneLabel | null; made: string[]; reused: string[] }> {
  const made: string[] = [];
  const reused: string[] = [];
  const { master, sources } = i;

  const ensure = async (kind: Kind, inputs: Record<string, { path: string; id: string }>, build: Build, size: { width: number; height: number }): Promise<string> => {
    const placeholders = Object.fromEntries(Object.keys(inputs).map((k) => [k, `/in/${k}`]));
    const key = intermediateKey(kind, build(placeholders, '/out/intermediate.mkv', '/out/graph.txt'), Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, v.id])));
    const local = path.join(work, `${kind}.mkv`);
    let release: (() => Promise<void>) | null = null;
    while (!release) {
      if (await deps.store.head(key)) {
        await deps.store.getToFile(key, local);
        reused.push(kind);
        return local;
      }
      release = await takeLease(deps.redis, `${deps.leasePrefix}:intermediate-lease:${key}`, LEASE_MS);
      // Another cell is making it: look again shortly (its lease lapses if it dies, and then this cell makes it).
      if (!release) await sleep(POLL_MS, undefined, { signal });
    }
    try {
      const graphPath = path.join(work, `${kind}-graph.txt`);
      const cmd = build(Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, v.path])), local, graphPath);
      await writeFile(graphPath, cmd.graph);
      await runFfmpeg(deps.tools, cmd.args, { signal });
      // Stored once, read by many: a short or misshapen one would fail every cell that fetches it.
      const frames = await countFrames(deps.tools, local, { signal });
      const probe = await probeVideo(deps.tools, local);
      if (frames !== master.frameCount || probe.width !== size.width || probe.height !== size.height) {
        throw new DomainError(
          'INTERMEDIATE_INVALID',
          `the ${kind} came out ${probe.width}×${probe.height} with ${frames} frames; ${size.width}×${size.height} with ${master.frameCount} were needed`,
        );
      }
      await deps.store.putFile(key, local, 'video/x-matroska');
      made.push(kind);
      return local;
    } finally {
      await release();
    }
  };
  const frame = { width: master.width, height: master.height };
  const masterIn = (p: Record<string, string>) => ({ ...master, path: p.master });

  let environment = i.environment;
  if (environment && sources.matte) {
    const env = environment;
    const shaped = await ensure(
      'shaped-matte',
      { master: { path: master.path, id: sources.master }, matte: { path: env.mattePath, id: sources.matte } },
      (p, out, graph) => buildShapedMatteArgs({ master: masterIn(p), mattePath: p.matte, chokePx: env.chokePx, featherPx: env.featherPx, outputPath: out }, graph),
      frame,
    );
    environment = { ...env, mattePath: shaped, matteShaped: true };
    const worthIt = !!env.plate && !!env.view && (plateMoves(env) || env.plate.kind === 'video');
    const fourTwoZero = i.deliverables.every((k) => k === 'draft' || k === 'master');
    if (worthIt && fourTwoZero && sources.plate) {
      const plate = env.plate!;
      const inputs: Record<string, { path: string; id: string }> = { master: { path: master.path, id: sources.master }, plate: { path: plate.path, id: sources.plate } };
      if (i.grade && sources.lut) inputs.lut = { path: i.grade.lutPath, id: sources.lut };
      const moved = await ensure(
        'moved-plate',
        inputs,
        (p, out, graph) =>
          buildMovedPlateArgs(
            { master: masterIn(p), environment: { ...env, plate: { ...plate, path: p.plate } }, grade: i.grade ? { ...i.grade, lutPath: p.lut } : null, outputPath: out },
            graph,
          ),
        frame,
      );
      environment = { ...environment, movedPlatePath: moved };
    }
  }

  let planeLabel = i.planeLabel;
  const occlusion = planeLabel?.occlusion;
  const window = planeLabel ? planeWindow(planeLabel.quads, frame) : null;
  if (planeLabel && occlusion && window && sources.matte) {
    const pl = planeLabel;
    const reference = createHash('sha256').update(await readFile(occlusion.referencePath)).digest('hex');
    const key = await ensure(
      'occlusion-key',
      {
        master: { path: master.path, id: sources.master },
        matte: { path: occlusion.mattePath, id: sources.matte },
        // The reference is the plane's own look at its seed, rectified from the master at the plane's shape: the same for every cell of the plane.
        reference: { path: occlusion.referencePath, id: reference },
      },
      (p, out, graph) =>
        buildOcclusionKeyArgs({ master: masterIn(p), label: pl, occlusion: { ...occlusion, mattePath: p.matte, referencePath: p.reference }, outputPath: out }, graph),
      { width: window.width, height: window.height },
    );
    planeLabel = { ...pl, occlusionKeyPath: key };
  }
  return { environment, planeLabel, made, reused };
}
