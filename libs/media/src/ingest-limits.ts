import { DomainError } from '@shotmatrix/domain';

/** What a master shot may be. Parsed from config once; `DEFAULT_INGEST_LIMITS` otherwise. */
export interface IngestLimits {
  maxDurationS: number;
  /**
   * The frame's long side may be at most max(maxWidth, maxHeight) and its
   * short side at most min(maxWidth, maxHeight), so a 4096×2160 limit also
   * takes a 2160×3840 portrait master.
   */
  maxWidth: number;
  maxHeight: number;
  maxBytes: number;
  /** ffprobe codec names (`codec_name`). */
  videoCodecs: string[];
}

/**
 * Codecs ffmpeg 5.1 decodes reliably and that masters arrive in: camera and
 * delivery codecs (H.264, HEVC, AV1, VP9/VP8, MPEG-2/4), edit and mezzanine
 * codecs (ProRes, DNxHD/HR, FFV1, QuickTime Animation) and uncompressed
 * (v210, rawvideo). Motion JPEG and PNG-in-MOV are real video codecs too; a
 * single JPEG or PNG is refused earlier as a still image. Left out: codecs
 * with no decoder here or of no use for a master (e.g. MS-MPEG4, Cinepak,
 * JPEG 2000, CineForm), which a producer can transcode before upload.
 */
export const ACCEPTED_VIDEO_CODECS: readonly string[] = [
  'h264', 'hevc', 'av1', 'vp9', 'vp8', 'mpeg2video', 'mpeg4',
  'prores', 'dnxhd', 'ffv1', 'qtrle', 'mjpeg', 'png', 'v210', 'rawvideo',
];

export const DEFAULT_INGEST_LIMITS: Readonly<IngestLimits> = Object.freeze({
  maxDurationS: 120,
  maxWidth: 4096,
  maxHeight: 2160,
  // Matches the API's default upload limit (UPLOAD_MAX_BYTES): 2 GB uploads are accepted.
  maxBytes: 2 * 1024 ** 3,
  videoCodecs: [...ACCEPTED_VIDEO_CODECS],
});

/** The parts of a probe the limits look at (structurally a `VideoProbe`). */
export interface ProbedMaster {
  durationS: number;
  width: number;
  height: number;
  codec: string;
  sizeBytes: number;
}

/** ffprobe codec name → what a producer calls it. */
const CODEC_NAMES: Record<string, string> = {
  h264: 'H.264',
  hevc: 'HEVC',
  av1: 'AV1',
  vp9: 'VP9',
  vp8: 'VP8',
  mpeg2video: 'MPEG-2',
  mpeg4: 'MPEG-4 Part 2',
  prores: 'ProRes',
  dnxhd: 'DNxHD/DNxHR',
  ffv1: 'FFV1',
  qtrle: 'QuickTime Animation',
  mjpeg: 'Motion JPEG',
  png: 'PNG (in MOV)',
  v210: 'uncompressed 10-bit (v210)',
  rawvideo: 'uncompressed',
};

/** Checked before ffprobe runs, so an oversized file costs nothing to refuse. */
export function checkFileSize(sizeBytes: number, limits: IngestLimits, name: string): void {
  if (sizeBytes > limits.maxBytes) {
    let [size, max] = [formatBytes(sizeBytes), formatBytes(limits.maxBytes)];
    // A file a few bytes over must not read "2 GiB; at most 2 GiB".
    if (size === max) [size, max] = [`${sizeBytes} bytes`, `${limits.maxBytes} bytes`];
    throw new DomainError('FILE_TOO_LARGE', `${name} is ${size}; masters may be at most ${max}`, 'too-large');
  }
}

/** Throws the first limit the master breaks, as a producer would want it explained. */
export function checkIngestLimits(probe: ProbedMaster, limits: IngestLimits, name: string): void {
  checkFileSize(probe.sizeBytes, limits, name);
  if (probe.durationS > limits.maxDurationS) {
    throw new DomainError(
      'VIDEO_TOO_LONG',
      `${name} is ${formatSeconds(probe.durationS, limits.maxDurationS)} s long; masters may be at most ${formatSeconds(limits.maxDurationS)} s`,
      'too-large',
    );
  }
  const [long, short] = [Math.max(probe.width, probe.height), Math.min(probe.width, probe.height)];
  const [maxLong, maxShort] = [Math.max(limits.maxWidth, limits.maxHeight), Math.min(limits.maxWidth, limits.maxHeight)];
  if (long > maxLong || short > maxShort) {
    const portrait = maxLong === maxShort ? '' : ` (${maxShort}×${maxLong} in portrait)`;
    throw new DomainError(
      'VIDEO_TOO_LARGE',
      `${name} is ${probe.width}×${probe.height}; masters may be at most ${limits.maxWidth}×${limits.maxHeight}${portrait}`,
      'too-large',
    );
  }
  if (!limits.videoCodecs.includes(probe.codec)) {
    const accepted = limits.videoCodecs.map((c) => CODEC_NAMES[c] ?? c).join(', ');
    throw new DomainError(
      'VIDEO_CODEC_UNSUPPORTED',
      `${name} uses the codec "${probe.codec}", which Shotmatrix does not accept (accepted: ${accepted})`,
      'unsupported-media',
    );
  }
}

/** One decimal, unless rounding would make a too-long clip read as the limit itself (120.04 → "120.04"). */
function formatSeconds(s: number, limit?: number): string {
  for (const digits of [1, 2, 3]) {
    const text = s.toFixed(digits);
    if (limit === undefined || Number(text) > limit) return text.replace(/\.0+$/, '');
  }
  return String(s);
}

function formatBytes(n: number): string {
  const units: [number, string][] = [[1024 ** 3, 'GiB'], [1024 ** 2, 'MiB'], [1024, 'KiB']];
  for (const [size, unit] of units) {
    if (n >= size) return `${Number((n / size).toFixed(n % size ? 1 : 0))} ${unit}`;
  }
  return `${n} bytes`;
}
