import { spawn } from 'node:child_process';

export interface MediaTools {
  ffmpegPath: string;
  ffprobePath: string;
}

export interface ToolResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a short-lived tool (ffprobe) to completion and collects its output.
 * Output is capped: ffprobe's JSON for one file is small, and a file that
 * makes it print megabytes is not one we want to read anyway.
 */
export function runTool(bin: string, args: string[], opts: { signal?: AbortSignal; maxBytes?: number } = {}): Promise<ToolResult> {
  const maxBytes = opts.maxBytes ?? 8 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], signal: opts.signal });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    child.stdout.on('data', (c: Buffer) => {
      outBytes += c.length;
      if (outBytes <= maxBytes) out.push(c);
      else child.kill('SIGKILL');
    });
    child.stderr.on('data', (c: Buffer) => {
      errBytes += c.length;
      if (errBytes <= maxBytes) err.push(c);
    });
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }),
    );
  });
}
