/**
 * What the compositor's integration specs share: the real footage, the ffmpeg
 * they run, how they write their synthetic masters and render a plan, how
 * they find the magenta test labels in a render, and how they evaluate a
 * frame expression. Not exported from the library's index.
 */
import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { runFfmpeg, type MediaTools } from '@shotmatrix/media';
import type { Cv } from '@shotmatrix/vision';
import { buildCompositeArgs } from './composite-args';
import type { CompositePlan } from './composite-plan';

type Mat = InstanceType<Cv['Mat']>;

/** Shared real footage lives beside the repository, never inside it. */
export const SHARED_MEDIA = path.resolve(__dirname, '../../../../shared/media');
export const tools: MediaTools = { ffmpegPath: 'ffmpeg', ffprobePath: 'ffprobe' };

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const v of it) out.push(v);
  return out;
}

/** Raw frames a spec wrote, at 25 fps: RGB becomes an x264 master at `crf`, grey a lossless FFV1 matte. */
export async function encodeRaw(raw: string, pixelFormat: 'rgb24' | 'gray', size: { width: number; height: number }, out: string, crf = 16): Promise<void> {
  const codec = pixelFormat === 'gray' ? ['-c:v', 'ffv1'] : ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', String(crf), '-pix_fmt', 'yuv420p'];
  await runFfmpeg(tools, ['-f', 'rawvideo', '-pix_fmt', pixelFormat, '-s', `${size.width}x${size.height}`, '-r', '25', '-i', raw, ...codec, out]);
}

/** Renders a plan as the worker does (graph script written first); a failure names the render, ffmpeg's last words and the graph. */
export async function renderPlan(plan: CompositePlan, graphPath: string, name: string): Promise<void> {
  const cmd = buildCompositeArgs(plan, graphPath);
  await writeFile(graphPath, cmd.graph);
  await runFfmpeg(tools, cmd.args).catch((e: { stderrTail?: string[] }) => {
    throw new Error(`${name}: ${e.stderrTail?.join('\n') ?? String(e)}\n${cmd.graph.slice(0, 3000)}`);
  });
}

/**
 * How magenta each pixel of an RGB frame is, (R + B)/2 − G as float: the
 * specs draw their labels in pure magenta (0xff00ff), which no real footage
 * here comes near. Each spec thresholds it for what it measures.
 */
export function magentaMeter(cv: Cv, width: number, height: number) {
  const rgb = new cv.Mat(height, width, cv.CV_8UC3);
  const f32 = new cv.Mat();
  const ch = new cv.MatVector();
  return {
    /** Fills `out` (CV_32F) from one rgb24 frame. */
    measure(frame: Uint8Array, out: Mat): void {
      rgb.data.set(frame);
      rgb.convertTo(f32, cv.CV_32FC3);
      cv.split(f32, ch);
      const [r, g, b] = [ch.get(0), ch.get(1), ch.get(2)];
      cv.addWeighted(r, 0.5, b, 0.5, 0, out);
      cv.subtract(out, g, out);
      for (const m of [r, g, b]) m.delete();
    },
    delete(): void {
      for (const m of [rgb, f32]) m.delete();
      ch.delete();
    },
  };
}

/** Evaluates what `frameExpr` wrote: the same tree walked in JavaScript. */
export function evalFrameExpr(expr: string, variable: string, v: number): number {
  const src = expr.replace(/\\,/g, ',').replace(new RegExp(`\\b${variable}\\b`, 'g'), `(${v})`);
  const fn = new Function('lt', 'iff', `return ${src.replace(/\bif\(/g, 'iff(')};`) as (lt: unknown, iff: unknown) => number;
  return fn(
    (a: number, b: number) => (a < b ? 1 : 0),
    (c: number, x: number, y: number) => (c ? x : y),
  );
}
