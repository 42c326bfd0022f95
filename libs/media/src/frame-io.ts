import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { MediaTools } from './media-tools';
import { FfmpegError } from './run-ffmpeg';

export type RawPixelFormat = 'rgb24' | 'gray';

export interface ReadFramesOptions {
  /** Output size; the source is scaled (bilinear) to exactly this. */
  width: number;
  height: number;
  pixelFormat: RawPixelFormat;
  /** First frame (0-based, by decode order of a constant-rate file) and how many; defaults: all. */
  startFrame?: number;
  frameCount?: number;
  signal?: AbortSignal;
}

function bytesPerPixel(f: RawPixelFormat): number {
  return f === 'rgb24' ? 3 : 1;
}

/** Arguments that decode a file into raw frames on stdout. Pure, so it is table-tested. */
export function buildReadFramesArgs(inputPath: string, o: Omit<ReadFramesOptions, 'signal'>): string[] {
  const filters: string[] = [];
  if (o.startFrame || o.frameCount !== undefined) {
    // select by frame number rather than -ss: frame numbers are what analysis results are indexed by.
    const start = o.startFrame ?? 0;
    const end = o.frameCount !== undefined ? start + o.frameCount : undefined;
    filters.push(end !== undefined ? `select='between(n\\,${start}\\,${end - 1})'` : `select='gte(n\\,${start})'`);
  }
  filters.push(`scale=${o.width}:${o.height}:flags=bilinear`, `format=${o.pixelFormat}`);
  const args = ['-i', inputPath, '-an', '-sn', '-dn', '-vf', filters.join(','), '-fps_mode', 'passthrough'];
  if (o.frameCount !== undefined) args.push('-frames:v', String(o.frameCount));
  args.push('-f', 'rawvideo', '-pix_fmt', o.pixelFormat, 'pipe:1');
  return args;
}

/**
 * Decodes frames with ffmpeg and yields them one by one as tightly packed
 * pixel buffers (width × height × channels). Frames are assembled from the
 * pipe without per-pixel work; each yielded buffer is the caller's to keep.
 */
export async function* readFrames(tools: MediaTools, inputPath: string, o: ReadFramesOptions): AsyncGenerator<Buffer> {
  const frameBytes = o.width * o.height * bytesPerPixel(o.pixelFormat);
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', ...buildReadFramesArgs(inputPath, o)];
  const child = spawn(tools.ffmpegPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (c: string) => {
    stderr.push(c);
    if (stderr.length > 50) stderr.shift();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  const onAbort = () => child.kill('SIGKILL');
  o.signal?.addEventListener('abort', onAbort, { once: true });
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let finished = false;
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      pending.push(chunk);
      pendingBytes += chunk.length;
      while (pendingBytes >= frameBytes) {
        const all = pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingBytes);
        let offset = 0;
        while (pendingBytes - offset >= frameBytes) {
          yield Buffer.from(all.subarray(offset, offset + frameBytes));
          offset += frameBytes;
        }
        const rest = all.subarray(offset);
        pending = rest.length ? [rest] : [];
        pendingBytes = rest.length;
      }
    }
    finished = true;
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    if (!finished) child.kill('SIGKILL');
  }
  const { code, signal } = await exited;
  if (o.signal?.aborted) throw o.signal.reason ?? new Error('aborted');
  if (code !== 0) throw new FfmpegError(code, signal, stderr.join('').trim().split('\n').slice(-20), args);
}

export interface GreyVideoWriterOptions {
  width: number;
  height: number;
  /** Exact rate as ffprobe gives it ("30000/1001"), so frame i lands at the master's frame i. */
  fpsFraction: string;
  signal?: AbortSignal;
}

/** Arguments that encode raw grey frames from stdin losslessly (FFV1 in Matroska). */
export function buildGreyVideoWriterArgs(outputPath: string, o: Omit<GreyVideoWriterOptions, 'signal'>): string[] {
  return [
    '-f', 'rawvideo', '-pix_fmt', 'gray', '-s', `${o.width}x${o.height}`, '-framerate', o.fpsFraction, '-i', 'pipe:0',
    '-c:v', 'ffv1', '-level', '3', '-g', '1', '-pix_fmt', 'gray', '-fps_mode', 'passthrough', '-f', 'matroska', outputPath,
  ];
}

/** A lossless grey video being written frame by frame (mattes). */
export interface GreyVideoWriter {
  write(frame: Uint8Array): Promise<void>;
  /** Closes stdin and waits for ffmpeg; rejects if it failed. */
  close(): Promise<void>;
  abort(): void;
}

export function openGreyVideoWriter(tools: MediaTools, outputPath: string, o: GreyVideoWriterOptions): GreyVideoWriter {
  const frameBytes = o.width * o.height;
  const args = ['-hide_banner', '-nostdin', '-y', '-loglevel', 'error', ...buildGreyVideoWriterArgs(outputPath, o)];
  const child: ChildProcessWithoutNullStreams = spawn(tools.ffmpegPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (c: string) => stderr.push(c));
  child.stdout.resume();
  let failure: Error | null = null;
  child.stdin.on('error', (e) => (failure ??= e));
  const exited = new Promise<void>((resolve, reject) =>
    child.on('close', (code, signal) =>
      code === 0 ? resolve() : reject(new FfmpegError(code, signal, stderr.join('').trim().split('\n').slice(-20), args)),
    ),
  );
  exited.catch(() => undefined);
  const onAbort = () => child.kill('SIGKILL');
  o.signal?.addEventListener('abort', onAbort, { once: true });
  return {
    async write(frame) {
      if (frame.length !== frameBytes) throw new Error(`grey frame has ${frame.length} bytes, expected ${frameBytes}`);
      if (failure) throw failure;
      if (child.exitCode !== null || child.signalCode !== null) throw new Error('ffmpeg has exited; the grey video cannot take more frames');
      if (child.stdin.write(frame)) return;
      // A full pipe waits for drain, or for ffmpeg to end (killed, crashed): then drain never comes.
      await new Promise<void>((resolve, reject) => {
        const done = (err?: Error) => {
          child.stdin.off('drain', onDrain);
          child.off('close', onClose);
          if (err) reject(err);
          else resolve();
        };
        const onDrain = () => done();
        const onClose = () => done(failure ?? new Error('ffmpeg exited while grey frames were still being written'));
        child.stdin.once('drain', onDrain);
        child.once('close', onClose);
      });
    },
    async close() {
      child.stdin.end();
      try {
        await exited;
      } finally {
        o.signal?.removeEventListener('abort', onAbort);
      }
    },
    abort() {
      child.kill('SIGKILL');
    },
  };
}

export interface FrameGrabOptions {
  /** 0-based frame number in a constant-rate file (the mezzanine or the matte). */
  frame: number;
  /** The file's exact rate, e.g. "30000/1001". */
  fpsFraction: string;
  format: 'jpeg' | 'png';
  /** Scale down to at most this width (keeps the aspect). */
  maxWidth?: number;
}

/**
 * One frame as an image. The seek lands a quarter frame before frame n's
 * timestamp: accurate seeking drops everything earlier, so frame n is the
 * first one decoded, regardless of rounding in n / fps.
 */
export function buildFrameGrabArgs(inputPath: string, o: FrameGrabOptions): string[] {
  const [num, den] = o.fpsFraction.split('/').map(Number);
  const t = Math.max(0, ((o.frame - 0.25) * (den || 1)) / num);
  const filters = o.maxWidth ? [`scale='min(${o.maxWidth},iw)':-2`] : [];
  if (o.format === 'png') filters.push('format=gray');
  return [
    '-ss', t.toFixed(6), '-i', inputPath, '-an', '-sn', '-dn',
    ...(filters.length ? ['-vf', filters.join(',')] : []),
    '-frames:v', '1',
    ...(o.format === 'jpeg' ? ['-c:v', 'mjpeg', '-q:v', '3', '-f', 'image2'] : ['-c:v', 'png', '-f', 'image2']),
    'pipe:1',
  ];
}

export function grabFrame(tools: MediaTools, inputPath: string, o: FrameGrabOptions & { signal?: AbortSignal }): Promise<Buffer> {
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', ...buildFrameGrabArgs(inputPath, o)];
  return new Promise((resolve, reject) => {
    const child = spawn(tools.ffmpegPath, args, { stdio: ['ignore', 'pipe', 'pipe'], signal: o.signal });
    const out: Buffer[] = [];
    const err: string[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (c: string) => err.push(c));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const image = Buffer.concat(out);
      if (code === 0 && image.length) resolve(image);
      else reject(new FfmpegError(code, signal, err.join('').trim().split('\n').slice(-20).concat(image.length ? [] : [`no frame ${o.frame}`]), args));
    });
  });
}

/** Writes straight RGBA pixels as a PNG (one still, alpha kept), fed to ffmpeg on stdin. */
export async function writeRgbaPng(tools: MediaTools, rgba: Uint8Array, size: { width: number; height: number }, outputPath: string, signal?: AbortSignal): Promise<void> {
  if (rgba.length !== size.width * size.height * 4) throw new Error(`writeRgbaPng: ${rgba.length} bytes is not ${size.width}×${size.height} RGBA`);
  const args = ['-hide_banner', '-nostdin', '-y', '-loglevel', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgba', '-s', `${size.width}x${size.height}`, '-i', 'pipe:0', '-frames:v', '1', '-update', '1', outputPath];
  const child = spawn(tools.ffmpegPath, args, { stdio: ['pipe', 'ignore', 'pipe'] });
  const stderr: string[] = [];
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (c: string) => stderr.push(c));
  const onAbort = () => child.kill('SIGKILL');
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await new Promise<void>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code, sig) => (code === 0 ? resolve() : reject(new FfmpegError(code, sig, stderr.join('').trim().split('\n').slice(-20), args))));
      child.stdin.on('error', () => undefined);
      child.stdin.end(rgba);
    });
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
