import { DELIVERABLES, even, type Deliverable } from '@shotmatrix/domain';

/** Deliverables a render can write in its one pass: the ones a producer may ask for in the cell's settings. */
export const OUTPUT_KINDS = DELIVERABLES;
export type OutputKind = Deliverable;

export interface OutputSpec {
  kind: OutputKind;
  /** File path; for `exr` a frame pattern such as `dir/%05d.exr`. */
  path: string;
}

/** Short side of each deliverable; a master smaller than that is never upscaled. */
export const OUTPUT_SHORT_SIDE: Record<OutputKind, number> = { draft: 540, master: 1080, prores: 1080, hdr10: 1080, exr: 1080 };

export const OUTPUT_FILE: Record<OutputKind, string> = {
  draft: 'draft.mp4',
  master: 'master.mp4',
  prores: 'master.mov',
  hdr10: 'hdr10.mp4',
  exr: 'exr/%05d.exr',
};

/** Reference white of SDR material placed in a PQ signal (ITU-R BT.2408). */
export const SDR_REFERENCE_WHITE_NITS = 203;

export function outputSize(kind: OutputKind, frame: { width: number; height: number }): { width: number; height: number } {
  const short = Math.min(frame.width, frame.height);
  const s = Math.min(1, OUTPUT_SHORT_SIDE[kind] / short);
  return { width: even(frame.width * s), height: even(frame.height * s) };
}

export interface EncodeSettings {
  /** x264 for draft and master. */
  crf: number;
  preset: string;
}

/**
 * Filters after the split (size, colour conversion) and the encoder options of
 * one deliverable. HDR10 maps the SDR picture into PQ with its white at
 * 203 nits (zscale: SDR → linear light, then BT.2020 primaries and the PQ curve
 * scaled so linear 1.0 = 203 nits) and signals BT.2020/PQ with static mastering
 * metadata; EXR is scene-linear half float, the form compositors expect.
 */
export function outputStage(
  spec: OutputSpec,
  frame: { width: number; height: number },
  enc: EncodeSettings,
  audio: boolean,
): { filters: string[]; args: string[] } {
  const { width, height } = outputSize(spec.kind, frame);
  const scale = `scale=${width}:${height}:flags=bicubic`;
  const aac = audio ? ['-c:a', 'aac', '-b:a', '192k'] : ['-an'];
  const tagged709 = ['-color_primaries', 'bt709', '-color_trc', 'bt709', '-colorspace', 'bt709'];
  switch (spec.kind) {
    case 'draft':
      return {
        filters: [scale, 'format=yuv420p'],
        args: ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', ...tagged709, ...aac, '-movflags', '+faststart'],
      };
    case 'master':
      return {
        filters: [scale, 'format=yuv420p'],
        args: ['-c:v', 'libx264', '-preset', enc.preset, '-crf', String(enc.crf), ...tagged709, ...aac, '-movflags', '+faststart'],
      };
    case 'prores':
      return {
        filters: [scale, 'format=yuv422p10le'],
        args: ['-c:v', 'prores_ks', '-profile:v', '3', '-vendor', 'apl0', ...tagged709, ...(audio ? ['-c:a', 'pcm_s16le'] : ['-an'])],
      };
    case 'hdr10': {
      const nits = SDR_REFERENCE_WHITE_NITS;
      return {
        filters: [
          scale,
          `zscale=tin=bt709:min=bt709:pin=bt709:rin=tv:t=linear:p=bt709:m=bt709:npl=${nits}`,
          'format=gbrpf32le',
          `zscale=p=bt2020:t=smpte2084:m=bt2020nc:r=tv:npl=${nits}`,
          'format=yuv420p10le',
        ],
        args: [
          '-c:v', 'libx265', '-preset', 'fast', '-crf', '20', '-tag:v', 'hvc1',
          '-x265-params',
          // Display P3-D65 primaries at 1000 nits as the mastering display; content light levels from the SDR white.
          `hdr10=1:repeat-headers=1:colorprim=bt2020:transfer=smpte2084:colormatrix=bt2020nc:master-display=G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)L(10000000,1):max-cll=${nits},${nits}:log-level=error`,
          '-color_primaries', 'bt2020', '-color_trc', 'smpte2084', '-colorspace', 'bt2020nc',
          ...aac,
          '-movflags', '+faststart',
        ],
      };
    }
    case 'exr':
      return {
        filters: [scale, 'zscale=tin=bt709:min=bt709:pin=bt709:rin=tv:t=linear:p=bt709:m=bt709', 'format=gbrpf32le'],
        args: ['-c:v', 'exr', '-format', 'half', '-compression', 'zip16', '-an', '-start_number', '0'],
      };
  }
}
