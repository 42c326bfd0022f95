import { createHash } from 'node:crypto';
import { graphBuilder, matteShape, occlusionFront, plateChain, warpOntoPlane, type CompositeCommand } from './composite-args';
import type { CompositePlan, Environment, MasterInput } from './composite-plan';
import { planeWindow, type PlaneLabel, type PlaneOcclusion } from './plane-label';

/**
 * Intermediates: the parts of a variant's picture that many cells share,
 * made once by their own ffmpeg pass and read by every composite that needs
 * them (see CompositePlan: Environment.movedPlatePath, Environment.matteShaped,
 * PlaneLabel.occlusionKeyPath). Each is made by the very filter chain the
 * composite would otherwise run every frame, so a composite reads the same
 * pixels either way (the moved plate up to its near-lossless encode).
 *
 * - the moved plate: one per background, grade and camera motion (a market's
 *   cells in every aspect, and every re-render of them, share it);
 * - the shaped matte: one per master and choke/feather;
 * - the occlusion key: one per master and label plane (whatever label goes
 *   on it: the reference is rectified at the plane's own size).
 */

/** Part of every intermediate's name (see intermediateKey): bump it when something outside the command (ffmpeg itself, say) changes what it makes. */
export const INTERMEDIATES_VERSION = 1;

/**
 * The moved plate's encode: x264 at a quality far above the delivery's crf 20 (it is encoded once more
 * inside the variant), ultrafast so it decodes cheaply (no CABAC) and is quick to make.
 */
export const MOVED_PLATE_ENCODE = ['-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '14', '-pix_fmt', 'yuv420p'] as const;

/**
 * Stable storage name of an intermediate: a hash of the command that makes it (filter graph and arguments,
 * built with placeholder paths) and of what each placeholder holds (content ids). Any change to a chain, a
 * setting or an input changes the name by itself, so a stale intermediate is never found.
 */
export function intermediateKey(kind: 'moved-plate' | 'shaped-matte' | 'occlusion-key', canonical: CompositeCommand, inputs: Record<string, string>): string {
  const hash = createHash('sha256')
    .update(JSON.stringify({ v: INTERMEDIATES_VERSION, kind, graph: canonical.graph, args: canonical.args, inputs: Object.entries(inputs).sort() }))
    .digest('hex');
  return `intermediates/${kind}/${hash}.mkv`;
}

const frameSize = (m: MasterInput) => ({ width: m.width, height: m.height });

/** The plate cropped, graded and moved for every master frame, exactly as the composite's own plate chain makes it. */
export function buildMovedPlateArgs(
  i: { master: MasterInput; environment: Environment; grade: CompositePlan['grade']; outputPath: string },
  graphPath: string,
): CompositeCommand {
  const env = i.environment;
  if (!env.plate || !env.view) throw new Error('moved plate: the environment has no plate');
  const { b, args } = graphBuilder(i.master.fpsFraction);
  const plateIn = b.input(env.plate.path, env.plate.kind === 'video' ? ['-stream_loop', '-1'] : []);
  const plate = plateChain(b, { master: i.master, grade: i.grade }, env, plateIn, frameSize(i.master), i.master.fpsFraction);
  args.push('-filter_complex_script', graphPath, '-map', `[${plate}]`, '-frames:v', String(i.master.frameCount), '-fps_mode', 'passthrough', ...MOVED_PLATE_ENCODE, '-an', i.outputPath);
  return { args, graph: b.g.join(';\n') };
}

/** The master's matte choked and feathered (lossless grey, FFV1), one frame per master frame. */
export function buildShapedMatteArgs(i: { master: MasterInput; mattePath: string; chokePx: number; featherPx: number; outputPath: string }, graphPath: string): CompositeCommand {
  const { b, args } = graphBuilder(i.master.fpsFraction);
  const matte = b.input(i.mattePath);
  b.g.push(`[${matte}:v]${b.restamp},${['format=gray', ...matteShape(i)].join(',')}[shaped]`);
  args.push('-filter_complex_script', graphPath, '-map', '[shaped]', '-fps_mode', 'passthrough', '-c:v', 'ffv1', '-pix_fmt', 'gray', '-an', i.outputPath);
  return { args, graph: b.g.join(';\n') };
}

/**
 * What passes in front of a label plane, every frame, in the plane's moving
 * window (plane-label's planeWindow; lossless grey, FFV1; white = in front): the composite's occlusion test run
 * once per master and plane instead of once per variant, for the plane's
 * tracked quads.
 */
export function buildOcclusionKeyArgs(
  i: { master: MasterInput; label: Pick<PlaneLabel, 'quads'>; occlusion: PlaneOcclusion; outputPath: string },
  graphPath: string,
): CompositeCommand {
  const canvas = planeWindow(i.label.quads, frameSize(i.master));
  if (!canvas) throw new Error('occlusion key: the plane was not tracked on any frame');
  const { b, args } = graphBuilder(i.master.fpsFraction);
  b.input(i.master.path);
  const reference = warpOntoPlane(b, i.occlusion.referencePath, { size: i.occlusion.referenceSize, quads: i.label.quads }, canvas, i.master.frameCount, 'gbrap');
  const front = occlusionFront(b, '0:v', i.occlusion, reference, canvas, null);
  args.push('-filter_complex_script', graphPath, '-map', `[${front}]`, '-fps_mode', 'passthrough', '-c:v', 'ffv1', '-pix_fmt', 'gray', '-an', i.outputPath);
  return { args, graph: b.g.join(';\n') };
}
