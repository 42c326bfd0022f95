import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { DomainError } from '@shotmatrix/domain';
import { runTool, type MediaTools } from './media-tools';

export interface VideoProbe {
  /** ffprobe's demuxer name, e.g. `mov,mp4,m4a,3gp,3g2,mj2` or `matroska,webm`. */
  container: string;
  durationS: number;
  /** Display size: a rotated phone clip reports its upright width and height, as ffmpeg will decode it. */
  width: number;
  height: number;
  fps: number;
  fpsFraction: string;
  frameCount: number;
  codec: string;
  pixFmt: string;
  hasAudio: boolean;
  sizeBytes: number;
}

export interface ImageProbe {
  width: number;
  height: number;
  /** ffprobe's codec name, like `VideoProbe.codec`: `mjpeg` (JPEG), `png` or `webp`. */
  codec: string;
}

export interface ProbeOptions {
  /** Name to use in error messages, e.g. the file name the producer uploaded. */
  displayName?: string;
  signal?: AbortSignal;
}

/**
 * Demuxers a master or plate may use. Anything else (playlists, concat
 * lists, tty "ANSI art" for text files) is refused before it can open
 * further files. Images are let through to the video probe only so that a
 * still can be named as such. image2 picks most real JPEGs by extension; it
 * would read `%d` in a name as a sequence, which storage keys cannot hold.
 */
export const VIDEO_FORMAT_WHITELIST = 'mov,matroska,avi,mpegts,mxf,image2,jpeg_pipe,png_pipe,webp_pipe';
export const IMAGE_FORMAT_WHITELIST = 'image2,jpeg_pipe,png_pipe,webp_pipe';

/** ffprobe codec → the name a producer knows. */
const IMAGE_CODECS: Record<string, string> = { mjpeg: 'JPEG', png: 'PNG', webp: 'WebP' };

/** The parts of `ffprobe -of json -show_format -show_streams` read here. */
export interface FfprobeStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  pix_fmt?: string;
  r_frame_rate?: string;
  avg_frame_rate?: string;
  duration?: string;
  nb_frames?: string;
  nb_read_packets?: string;
  nb_read_frames?: string;
  disposition?: { attached_pic?: number };
  tags?: Record<string, string>;
  side_data_list?: { side_data_type?: string; rotation?: number }[];
}
export interface FfprobeOutput {
  streams?: FfprobeStream[];
  format?: { format_name?: string; duration?: string; size?: string };
}

/** Input options that keep ffmpeg/ffprobe to the local file it was given. */
export function localInput(filePath: string): string[] {
  // `file:` stops a name like `x:y.mp4` being read as a protocol.
  return ['-protocol_whitelist', 'file', `file:${path.resolve(filePath)}`];
}

export async function probeVideo(tools: MediaTools, filePath: string, opts: ProbeOptions = {}): Promise<VideoProbe> {
  const name = opts.displayName ?? path.basename(filePath);
  const notVideo = (reason: string) =>
    new DomainError('NOT_A_VIDEO', `${name} is not a video file ffmpeg can read: ${reason}`, 'unsupported-media');
  const stat = await statOrNull(filePath);
  if (!stat?.isFile()) throw notVideo('the file does not exist');
  if (stat.size === 0) throw notVideo('the file is empty');

  const { code, stdout, stderr } = await runTool(
    tools.ffprobePath,
    [
      '-v', 'error',
      '-format_whitelist', VIDEO_FORMAT_WHITELIST,
      '-count_packets',
      '-show_format', '-show_streams',
      '-of', 'json',
      ...localInput(filePath),
    ],
    { signal: opts.signal },
  );
  if (code !== 0) throw notVideo(ffprobeReason(stderr));
  return interpretVideoProbe(parseJson(stdout), { name, sizeBytes: stat.size });
}

/** Pure part of `probeVideo`, kept apart so the rules have table tests. */
export function interpretVideoProbe(out: FfprobeOutput, file: { name: string; sizeBytes: number }): VideoProbe {
  const { name } = file;
  const reject = (code: string, message: string) => new DomainError(code, message, 'unsupported-media');
  const streams = out.streams ?? [];
  // Cover art in an mp4 shows up as a video stream; it is not footage.
  const videos = streams.filter((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
  if (videos.length === 0) {
    throw reject('NOT_A_VIDEO', `${name} is not a video file ffmpeg can read: it has no video stream`);
  }
  if (videos.length > 1) {
    throw reject(
      'VIDEO_TOO_MANY_STREAMS',
      `${name} has ${videos.length} video streams; a master shot must have exactly one`,
    );
  }
  const v = videos[0];
  const container = out.format?.format_name ?? 'unknown';
  const isImageFormat = /(^|,)(image2|\w+_pipe)(,|$)/.test(container);
  const fpsFraction = pickFrameRate(v.r_frame_rate, v.avg_frame_rate);
  const fps = fpsFraction ? fractionValue(fpsFraction) : 0;
  const durationS = positive(v.duration) ?? positive(out.format?.duration) ?? 0;
  const frameCount =
    positiveInt(v.nb_read_packets) ?? positiveInt(v.nb_frames) ?? (fps && durationS ? Math.round(durationS * fps) : 0);

  if (isImageFormat || frameCount <= 1) {
    const image = IMAGE_CODECS[v.codec_name ?? ''];
    const what = image ? `a ${image} image` : 'a single still frame';
    throw reject('VIDEO_STILL_IMAGE', `${name} is ${what}, not a moving video: upload the master shot as a video file`);
  }
  if (!v.width || !v.height || !fpsFraction) {
    throw reject('NOT_A_VIDEO', `${name} is not a video file ffmpeg can read: its video stream has no size or frame rate`);
  }
  const quarterTurn = Math.abs(rotationOf(v)) % 180 === 90;
  return {
    container,
    durationS,
    width: quarterTurn ? v.height : v.width,
    height: quarterTurn ? v.width : v.height,
    fps,
    fpsFraction,
    frameCount,
    codec: v.codec_name ?? 'unknown',
    pixFmt: v.pix_fmt ?? 'unknown',
    hasAudio: streams.some((s) => s.codec_type === 'audio'),
    sizeBytes: positiveInt(out.format?.size) ?? file.sizeBytes,
  };
}

export async function probeImage(tools: MediaTools, filePath: string, opts: ProbeOptions = {}): Promise<ImageProbe> {
  const name = opts.displayName ?? path.basename(filePath);
  const notImage = (reason: string) =>
    new DomainError('NOT_AN_IMAGE', `${name} is not a JPEG, PNG or WebP image: ${reason}`, 'unsupported-media');
  const stat = await statOrNull(filePath);
  if (!stat?.isFile()) throw notImage('the file does not exist');
  if (stat.size === 0) throw notImage('the file is empty');

  const { code, stdout, stderr } = await runTool(
    tools.ffprobePath,
    ['-v', 'error', '-format_whitelist', IMAGE_FORMAT_WHITELIST, '-show_format', '-show_streams', '-of', 'json', ...localInput(filePath)],
    { signal: opts.signal },
  );
  if (code !== 0) throw notImage(ffprobeReason(stderr));
  const out = parseJson(stdout);
  const streams = out.streams ?? [];
  const codec = streams[0]?.codec_name ?? '';
  if (streams.length !== 1 || !IMAGE_CODECS[codec] || !streams[0].width || !streams[0].height) {
    throw notImage(`ffmpeg reads it as ${streams.map((s) => s.codec_name).join(', ') || 'nothing it can decode'}`);
  }
  return { width: streams[0].width, height: streams[0].height, codec };
}

/** Decodes every frame: slower than the packet count, but exact, which QC needs. */
export async function countFrames(tools: MediaTools, filePath: string, opts: { signal?: AbortSignal } = {}): Promise<number> {
  const { code, stdout, stderr } = await runTool(
    tools.ffprobePath,
    ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames', '-of', 'json', ...localInput(filePath)],
    { signal: opts.signal },
  );
  if (code !== 0) throw new Error(`ffprobe could not count frames of ${filePath}: ${ffprobeReason(stderr)}`);
  const n = Number(parseJson(stdout).streams?.[0]?.nb_read_frames);
  if (!Number.isInteger(n)) throw new Error(`ffprobe found no video stream to count in ${filePath}`);
  return n;
}

/** The last thing ffprobe complained about, without its `[demuxer @ 0x…]` or path prefix. */
export function ffprobeReason(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.replace(/^\[[^\]]*@ 0x[0-9a-f]+\]\s*/, '').replace(/^file:[^:]*:\s*/, '').trim())
    .filter(Boolean);
  // ffmpeg names the refused demuxer only in the line's `[gif @ 0x…]` prefix.
  const refused = /^\[(\w+)[^\]]*@ 0x[0-9a-f]+\]\s*Format not on whitelist/m.exec(stderr);
  if (refused) return `${refused[1]} files are not accepted`;
  const last = lines.at(-1) ?? 'ffprobe failed without saying why';
  return last.charAt(0).toLowerCase() + last.slice(1);
}

/**
 * ffprobe's r_frame_rate is the clean base rate (30000/1001) and
 * avg_frame_rate what the file actually averages. They agree on constant
 * rate footage, and then the clean one wins; on variable rate footage the
 * average describes the clip better.
 */
export function pickFrameRate(r?: string, avg?: string): string | undefined {
  const rv = r ? fractionValue(r) : 0;
  const av = avg ? fractionValue(avg) : 0;
  if (rv > 0 && (av <= 0 || Math.abs(rv - av) / av < 0.01)) return normaliseFraction(r as string);
  if (av > 0) return normaliseFraction(avg as string);
  return undefined;
}

export function fractionValue(f: string): number {
  const [n, d = '1'] = f.split('/');
  const v = Number(n) / Number(d);
  return Number.isFinite(v) ? v : 0;
}

function normaliseFraction(f: string): string {
  return f.includes('/') ? f : `${f}/1`;
}

function rotationOf(v: FfprobeStream): number {
  const fromSideData = v.side_data_list?.find((d) => typeof d.rotation === 'number')?.rotation;
  return fromSideData ?? Number(v.tags?.rotate ?? 0);
}

function positive(s: string | undefined): number | undefined {
  const n = Number(s);
  return s !== undefined && Number.isFinite(n) && n > 0 ? n : undefined;
}

function positiveInt(s: string | undefined): number | undefined {
  const n = positive(s);
  return n !== undefined && Number.isInteger(n) ? n : undefined;
}

function parseJson(stdout: string): FfprobeOutput {
  try {
    return JSON.parse(stdout) as FfprobeOutput;
  } catch {
    return {};
  }
}

async function statOrNull(filePath: string) {
  try {
    return await fs.stat(filePath);
  } catch {
    return null;
  }
}
