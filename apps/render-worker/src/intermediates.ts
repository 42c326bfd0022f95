import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import {
  buildMovedPlateArgs,
  buildOcclusionKeyArgs,
  buildShapedMatteArgs,
  intermediateKey,
  type CompositeCommand,
  type CompositePlan,
  type Environment,
  type MasterInput,
  type PlaneLabel,
} from '@shotmatrix/compositor';
import { runFfmpeg, type MediaTools } from '@shotmatrix/media';
import type { ObjectStore } from '@shotmatrix/storage';

/** Storage keys of what the intermediates are made from: content-addressed, so equal keys mean equal pixels. */
export interface IntermediateSources {
  master: string;
  matte: string | null;
  plate: { key: string; sha256: string } | null;
  lut: string | null;
}

/**
 * The intermediates a composite reads instead of making them every frame
 * (compositor's intermediates.ts): fetched when another cell already made
 * them, else made here and stored for the next. Two workers making the same
 * one at once store the same object twice, which is harmless.
 */
export async function withIntermediates(
  deps: { store: ObjectStore; tools: MediaTools },
  work: string,
  i: { master: MasterInput; environment: Environment | null; grade: CompositePlan['grade']; planeLabel: PlaneLabel | null; sources: IntermediateSources },
  signal: AbortSignal,
): Promise<{ environment: Environment | null; planeLabel: PlaneLabel | null; made: string[]; reused: string[] }> {
  const made: string[] = [];
  const reused: string[] = [];
  const ensure = async (key: string, name: string, build: (out: string, graph: string) => CompositeCommand): Promise<string> => {
    const local = path.join(work, `${name}.mkv`);
    if (await deps.store.head(key)) {
      await deps.store.getToFile(key, local);
      reused.push(name);
      return local;
    }
    const graphPath = path.join(work, `${name}-graph.txt`);
    const cmd = build(local, graphPath);
    await writeFile(graphPath, cmd.graph);
    await runFfmpeg(deps.tools, cmd.args, { signal });
    await deps.store.putFile(key, local, 'video/x-matroska');
    made.push(name);
    return local;
  };
  const { master, sources } = i;
  const clock = { width: master.width, height: master.height, fps: master.fpsFraction, frames: master.frameCount };

  let environment = i.environment;
  if (environment && sources.matte) {
    const env = environment;
    const edges = { chokePx: env.chokePx, featherPx: env.featherPx };
    const shaped = await ensure(intermediateKey('shaped-matte', { matte: sources.matte, ...clock, ...edges }), 'matte-shaped', (out, graph) =>
      buildShapedMatteArgs({ master, mattePath: env.mattePath, ...edges, outputPath: out }, graph),
    );
    environment = { ...env, mattePath: shaped, matteShaped: true };
    if (env.plate && env.view && sources.plate) {
      const grade = i.grade ? { lut: sources.lut, plateAmount: i.grade.plateAmount, frameAmount: i.grade.frameAmount } : null;
      const recipe = { plate: sources.plate.sha256, kind: env.plate.kind, view: env.view, motion: env.motion, grade, ...clock };
      const moved = await ensure(intermediateKey('moved-plate', recipe), 'plate-moved', (out, graph) =>
        buildMovedPlateArgs({ master, environment: env, grade: i.grade, outputPath: out }, graph),
      );
      environment = { ...environment, movedPlatePath: moved };
    }
  }

  let planeLabel = i.planeLabel;
  const occlusion = planeLabel?.occlusion;
  if (planeLabel && occlusion && sources.matte) {
    const pl = planeLabel;
    // The reference is the plane's own look at its seed, rectified from the master: the same for every cell.
    const reference = createHash('sha256').update(await readFile(occlusion.referencePath)).digest('hex');
    const recipe = { master: sources.master, matte: sources.matte, reference, size: pl.size, quads: pl.quads, threshold: occlusion.threshold, ...clock };
    const key = await ensure(intermediateKey('occlusion-key', recipe), 'occlusion-key', (out, graph) =>
      buildOcclusionKeyArgs({ master, label: pl, occlusion, outputPath: out }, graph),
    );
    planeLabel = { ...pl, occlusionKeyPath: key };
  }
  return { environment, planeLabel, made, reused };
}
