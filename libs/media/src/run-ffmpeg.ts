import { spawn } from 'node:child_process';
import type { MediaTools } from './media-tools';

const STDERR_TAIL_LINES = 20;
const KILL_GRACE_MS = 2000;

/** ffmpeg exited non-zero; the stderr tail usually names the cause. */
export class FfmpegError extends Error {
  constructor(
    readonly exitCode: number | null,
    readonly exitSignal: NodeJS.Signals | null,
    readonly stderrTail: string[],
    readonly args: string[],
  ) {
    const how = exitCode !== null ? `exited with code ${exitCode}` : `was killed by ${exitSignal}`;
    super(`ffmpeg ${how}: ${stderrTail.at(-1) ?? 'no error output'}`);
    this.name = 'FfmpegError';
  }
}

export interface RunFfmpegOptions {
  signal?: AbortSignal;
  /** Seconds of output written so far, from ffmpeg's `-progress` feed. */
  onProgress?: (outTimeS: number) => void;
}

export function runFfmpeg(tools: MediaTools, args: string[], opts: RunFfmpegOptions = {}): Promise<void> {
  const { signal, onProgress } = opts;
  const fullArgs = ['-hide_banner', '-nostdin', '-y', '-nostats', '-loglevel', 'error', '-progress', 'pipe:1', ...args];
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const child = spawn(tools.ffmpegPath, fullArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
    const tail = new LineTail(STDERR_TAIL_LINES);
    let progressBuf = '';
    let killTimer: NodeJS.Timeout | undefined;
    let aborted = false;

    // SIGTERM lets ffmpeg close its files; one that hangs on a stuck input gets SIGKILL.
    const onAbort = () => {
      aborted = true;
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
      killTimer.unref();
    };
    signal?.addEventListener('abort', onAbort, { once: true });

    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      progressBuf += chunk;
      const lines = progressBuf.split('\n');
      progressBuf = lines.pop() ?? '';
      if (!onProgress) return;
      for (const line of lines) {
        const m = /^out_time_us=(\d+)/.exec(line);
        if (m) onProgress(Number(m[1]) / 1e6);
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => tail.push(chunk));

    child.on('error', (e) => {
      signal?.removeEventListener('abort', onAbort);
      reject(e);
    });
    child.on('close', (code, exitSignal) => {
      signal?.removeEventListener('abort', onAbort);
      clearTimeout(killTimer);
      if (aborted && signal) reject(abortReason(signal));
      else if (code === 0) resolve();
      else reject(new FfmpegError(code, exitSignal, tail.lines(), fullArgs));
    });
  });
}

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new DOMException('ffmpeg was aborted', 'AbortError');
}

/** Keeps the last `max` lines of a stream (exported for its test only). */
export class LineTail {
  private readonly kept: string[] = [];
  private partial = '';

  constructor(private readonly max: number) {}

  push(chunk: string): void {
    const parts = (this.partial + chunk).split(/\r?\n|\r/);
    this.partial = parts.pop() ?? '';
    for (const p of parts) if (p.trim()) this.keep(p);
  }

  lines(): string[] {
    return this.partial.trim() ? [...this.kept, this.partial].slice(-this.max) : [...this.kept];
  }

  private keep(line: string): void {
    this.kept.push(line);
    if (this.kept.length > this.max) this.kept.shift();
  }
}
