import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { FfmpegError, LineTail, runFfmpeg } from './run-ffmpeg';
import { tools } from './test-media';

describe('runFfmpeg', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shotmatrix-ffmpeg-'));
  });
  afterAll(() => fs.rm(dir, { recursive: true, force: true }));

  it('runs to completion and reports progress in seconds', async () => {
    const seen: number[] = [];
    const out = path.join(dir, 'two-seconds.mp4');
    await runFfmpeg(tools, ['-f', 'lavfi', '-i', 'testsrc=s=64x48:r=25:d=2', '-c:v', 'libx264', '-preset', 'ultrafast', out], {
      onProgress: (s) => seen.push(s),
    });
    expect((await fs.stat(out)).size).toBeGreaterThan(0);
    expect(seen.length).toBeGreaterThan(0);
    expect(Math.max(...seen)).toBeCloseTo(2, 0);
  });

  it('rejects with the tail of stderr when ffmpeg fails', async () => {
    const err = await runFfmpeg(tools, ['-i', path.join(dir, 'does-not-exist.mp4'), '-f', 'null', '-']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FfmpegError);
    const e = err as FfmpegError;
    expect(e.exitCode).not.toBe(0);
    expect(e.stderrTail.join('\n')).toContain('No such file or directory');
    expect(e.message).toMatch(/^ffmpeg exited with code \d+: .*No such file or directory/);
    expect(e.stderrTail.length).toBeLessThanOrEqual(20);
  });

  it('kills ffmpeg when the signal aborts', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const run = runFfmpeg(tools, ['-re', '-f', 'lavfi', '-i', 'testsrc=s=64x48:r=25', '-f', 'null', '-'], {
      signal: controller.signal,
      onProgress: (s) => {
        if (s > 0.2) controller.abort(new Error('job cancelled'));
      },
    });
    await expect(run).rejects.toThrow('job cancelled');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('does not start when the signal has already aborted', async () => {
    const out = path.join(dir, 'never.mp4');
    await expect(
      runFfmpeg(tools, ['-f', 'lavfi', '-i', 'testsrc=d=1', out], { signal: AbortSignal.abort() }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    await expect(fs.stat(out)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('rejects when the ffmpeg binary is missing', async () => {
    await expect(runFfmpeg({ ...tools, ffmpegPath: '/nonexistent/ffmpeg' }, ['-version'])).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('LineTail', () => {
  it('keeps the last lines across chunk boundaries, CR progress lines included', () => {
    const tail = new LineTail(3);
    tail.push('one\ntw');
    tail.push('o\r\nthree\rfour\n\nfi');
    expect(tail.lines()).toEqual(['three', 'four', 'fi']);
    tail.push('ve\n');
    expect(tail.lines()).toEqual(['three', 'four', 'five']);
  });
});
