import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { DomainError } from '@shotmatrix/domain';
import { checkFileSize, checkIngestLimits, type IngestLimits } from './ingest-limits';
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
  /** Videos only: refuse masters beyond these (duration, frame size, file size, codec). */
  limits?: IngestLimits;
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

/** Demuxers refused by the whitelists → what a producer would call such a file. */
const REFUSED_FORMATS: Record<string, string> = {
  hls: 'HLS playlist (.m3u8)',
  concat: 'ffconcat list',
  sdp: 'SDP / RTSP session',
  yuv4mpegpipe: 'raw YUV4MPEG (.y4m)',
  tty: 'text',
};

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
  if (opts.limits) checkFileSize(stat.size, opts.limits, name);

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
  if (code !== 0) throw notVideo(ffprobeReason(stderr, await readHead(filePath, 8)));
  const probe = interpretVideoProbe(parseJson(stdout), { name, sizeBytes: stat.size, stderr });
  if (opts.limits) checkIngestLimits(probe, opts.limits, name);
  // The stream header can describe frames the payload does not hold (an AVI
  // whose "frames" are a text file): only a decoded frame shows it is video.
  // A master starts on a keyframe, so a couple of dozen packets is plenty.
  if ((await decodedFrames(tools, filePath, 24, opts.signal)) === 0) {
    throw notVideo(`the first frames of its ${probe.codec} video cannot be decoded`);
  }
  return probe;
}

/** Decodes up to the first `packets` video packets and counts the frames that came out. */
async function decodedFrames(tools: MediaTools, filePath: string, packets: number, signal?: AbortSignal): Promise<number> {
  const { code, stdout } = await runTool(
    tools.ffprobePath,
    [
      '-v', 'error',
      '-format_whitelist', VIDEO_FORMAT_WHITELIST,
      '-select_streams', 'v:0',
      '-read_intervals', `%+#${packets}`,
      '-show_entries', 'frame=width',
      '-of', 'json',
      ...localInput(filePath),
    ],
    { signal },
  );
  if (code !== 0) return 0;
  try {
    const frames = (JSON.parse(stdout) as { frames?: unknown[] }).frames;
    return Array.isArray(frames) ? frames.length : 0;
  } catch {
    return 0;
  }
}

/**
 * Pure part of `probeVideo`, kept apart so the rules have table tests.
 * `stderr` is what ffprobe complained about while it still succeeded.
 */
export function interpretVideoProbe(out: FfprobeOutput, file: { name: string; sizeBytes: number; stderr?: string }): VideoProbe {
  const { name } = file;
  const reject = (code: string, message: string) => new DomainError(code, message, 'unsupported-media');
  // ffmpeg refuses such a header and carries on with whatever size the
  // payload or nothing suggests, so the size ffprobe prints is not the claim.
  const claimed = /Picture size (\d+)x(\d+) is invalid/.exec(file.stderr ?? '');
  if (claimed) {
    throw new DomainError(
      'VIDEO_TOO_LARGE',
      `${name} claims a picture of ${claimed[1]}×${claimed[2]}, larger than ffmpeg can decode`,
      'too-large',
    );
  }
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
  const truncation = missingFrames(v, out, frameCount, fps);
  if (truncation) {
    throw reject('VIDEO_TRUNCATED', `${name} is incomplete: ${truncation} (the upload or export was cut short)`);
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

/**
 * How a cut-short file gives itself away: its header (written before the
 * media, as in a fast-start MP4 or a Matroska file) promises more frames than
 * ffprobe could read. MP4 headers count frames exactly; a few may differ
 * where edit lists trim priming frames. Matroska only states a duration,
 * which can include a longer audio track, so only a large shortfall counts
 * there. Streamed formats (MPEG-TS) promise nothing and cannot be told apart
 * from a shorter clip.
 */
function missingFrames(v: FfprobeStream, out: FfprobeOutput, frameCount: number, fps: number): string | undefined {
  const read = positiveInt(v.nb_read_packets);
  if (read === undefined) return undefined;
  const promised = positiveInt(v.nb_frames);
  if (promised !== undefined) {
    return read < promised * 0.98 - 1 ? `its header promises ${promised} frames but only ${read} are in the file` : undefined;
  }
  const durationS = positive(v.duration) ?? positive(out.format?.duration);
  if (!durationS || !fps || durationS < 1) return undefined;
  const expected = Math.round(durationS * fps);
  return frameCount < expected * 0.5
    ? `its header promises ${durationS.toFixed(1)} s but only ${(frameCount / fps).toFixed(1)} s of frames are in the file`
    : undefined;
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

/**
 * The last thing ffprobe complained about, without its `[demuxer @ 0x…]` or
 * path prefix. `head` (the file's first bytes) tells a cut-short MP4 from
 * any other file the MP4 demuxer was tried on because of its name.
 */
export function ffprobeReason(stderr: string, head?: Uint8Array): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.replace(/^\[[^\]]*@ 0x[0-9a-f]+\]\s*/, '').replace(/^file:.*:\s+/, '').trim())
    .filter(Boolean);
  // ffmpeg names the refused demuxer only in the line's `[gif @ 0x…]` prefix.
  const refused = /^\[(\w+)[^\]]*@ 0x[0-9a-f]+\]\s*Format not on whitelist/m.exec(stderr);
  if (refused) return `${REFUSED_FORMATS[refused[1]] ?? refused[1]} files are not accepted`;
  if (/moov atom not found/.test(stderr) && head && /^(ftyp|mdat|wide|free|skip)$/.test(Buffer.from(head).toString('latin1', 4, 8))) {
    return 'it is incomplete: the MP4 index (moov atom) is missing, so the upload or export was cut short';
  }
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

async function readHead(filePath: string, bytes: number): Promise<Uint8Array | undefined> {
  try {
    const fh = await fs.open(filePath, 'r');
    try {
      const { buffer, bytesRead } = await fh.read(Buffer.alloc(bytes), 0, bytes, 0);
      return buffer.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch {
    return undefined;
  }
}

async function statOrNull(filePath: string) {
  try {
    return await fs.stat(filePath);
  } catch {
    return null;
  }
}
