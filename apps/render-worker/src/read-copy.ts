import * as path from 'node:path';
import type { AppConfig } from '@shotmatrix/config';
import type { Quad } from '@shotmatrix/contracts';
import { readFrames, type MediaTools } from '@shotmatrix/media';
import type { CopyReading } from '@shotmatrix/qc';
import { createOcr, loadOpenCv, rectifyPlane, type Ocr } from '@shotmatrix/vision';

/** The PP-OCRv4 files tools/stack/models.json fetches into MODEL_DIR. */
export const OCR_MODELS = {
  det: path.join('ppocr-v4-det', 'ch_PP-OCRv4_det_infer.onnx'),
  rec: path.join('ppocr-v4-rec', 'ch_PP-OCRv4_rec_infer.onnx'),
  dict: path.join('ppocr-v4-rec', 'ppocr_keys_v1.txt'),
};

let shared: Promise<Ocr> | null = null;

/** One OCR per process (a render child keeps it across jobs): loading the two sessions takes longer than a read. */
export function processOcr(config: AppConfig): Promise<Ocr> {
  shared ??= createOcr({
    detModelPath: path.join(config.analysis.modelDir, OCR_MODELS.det),
    recModelPath: path.join(config.analysis.modelDir, OCR_MODELS.rec),
    dictPath: path.join(config.analysis.modelDir, OCR_MODELS.dict),
    provider: config.analysis.provider,
  }).catch((e: unknown) => {
    shared = null;
    throw e;
  });
  return shared;
}

/**
 * Copy set smaller than this (font size, pixels of the delivered file) that
 * does not read back is too small to judge: on the demo at 960×540,
 * label-classic's legal line, set at 8.2 px, read back whole but for its full
 * stop (CER 2.6 %), while the larger legal-line super and tagline read exactly.
 */
const MIN_READABLE_PX = 12;
/** Regions are enlarged to about this height before reading: the detector finds small glyphs poorly. */
const READ_HEIGHT_PX = 144;

/** Reads a region enlarged (up to 4×, bicubic) so small copy reaches a size the detector finds. */
async function readUpscaled(ocr: Ocr, rgb: Uint8Array, file: { width: number; height: number }, region: { x: number; y: number; width: number; height: number }): Promise<string[]> {
  const k = Math.min(4, Math.max(1, READ_HEIGHT_PX / region.height));
  if (k <= 1.05) return (await ocr.readRegion(rgb, file.width, file.height, region)).map((l) => l.text);
  const cv = await loadOpenCv();
  const frame = new cv.Mat(file.height, file.width, cv.CV_8UC3);
  const crop = new cv.Mat();
  const big = new cv.Mat();
  try {
    frame.data.set(rgb);
    const view = frame.roi(new cv.Rect(region.x, region.y, region.width, region.height));
    // copyTo, not clone: a clone of a region view is not continuous in opencv.js.
    view.copyTo(crop);
    view.delete();
    cv.resize(crop, big, new cv.Size(Math.round(region.width * k), Math.round(region.height * k)), 0, 0, cv.INTER_CUBIC);
    return (await ocr.read(big.data.slice(), big.cols, big.rows)).map((l) => l.text);
  } finally {
    frame.delete();
    crop.delete();
    big.delete();
  }
}

/** Rendered copy to read back: which fields, on which output frame, where. */
export interface CopyItem {
  overlay: string;
  /** Each field's copy, and the font size it was set at in output-frame pixels (Infinity: unknown). */
  fields: Array<{ field: string; expected: string; sizePx: number }>;
  /** Output frame to read. */
  frame: number;
  /** Placed flat in the output frame (output-frame pixels, before any draft scaling). */
  box?: { x: number; y: number; width: number; height: number };
  /** Or warped onto a plane: the quad in output-frame pixels on that frame, and the label's size to unwarp it to. */
  plane?: { quad: Quad; size: { width: number; height: number } };
  /** Or nowhere it can be read whole: why, said as "not checked" for each field. */
  skip?: string;
}

/**
 * Reads each item back from the delivered file with OCR: flat overlays inside
 * their box (plus a margin), a label on a plane unwarped to its own rectangle
 * first. `frame` is the size the overlays were placed in; the file may be a
 * smaller draft of it.
 */
export async function readCopy(
  ocr: Ocr,
  tools: MediaTools,
  file: { path: string; width: number; height: number },
  frame: { width: number; height: number },
  items: CopyItem[],
  signal?: AbortSignal,
): Promise<CopyReading[]> {
  const sx = file.width / frame.width;
  const sy = file.height / frame.height;
  const out: CopyReading[] = [];
  // The label and supers are usually read on the same frame (the middle): each frame is decoded once.
  const decoded = new Map<number, Promise<Uint8Array>>();
  const frameAt = (n: number) => {
    let f = decoded.get(n);
    if (!f) {
      f = (async () => {
        for await (const rgb of readFrames(tools, file.path, { width: file.width, height: file.height, pixelFormat: 'rgb24', startFrame: n, frameCount: 1, signal })) return new Uint8Array(rgb);
        throw new Error(`QC: frame ${n} of the render could not be read`);
      })();
      decoded.set(n, f);
    }
    return f;
  };
  for (const item of items) {
    if (item.skip) {
      for (const f of item.fields) out.push({ overlay: item.overlay, field: f.field, expected: f.expected, lines: [], tooSmall: item.skip });
      continue;
    }
    const rgb = await frameAt(item.frame);
    let lines: string[];
    if (item.plane) {
      const cv = await loadOpenCv();
      const quad = item.plane.quad.map(([x, y]) => [x * sx, y * sy]) as Quad;
      const flat = rectifyPlane(cv, rgb, null, file, quad, item.plane.size);
      const rgba = new cv.Mat(flat.height, flat.width, cv.CV_8UC4);
      const three = new cv.Mat();
      try {
        rgba.data.set(flat.rgba);
        cv.cvtColor(rgba, three, cv.COLOR_RGBA2RGB);
        lines = (await ocr.read(three.data.slice(), flat.width, flat.height)).map((l) => l.text);
      } finally {
        rgba.delete();
        three.delete();
      }
    } else if (item.box) {
      // A little room around the box: the detector needs some background around the glyphs.
      const m = 0.04 * Math.max(item.box.width, item.box.height);
      const x = Math.max(0, Math.floor((item.box.x - m) * sx));
      const y = Math.max(0, Math.floor((item.box.y - m) * sy));
      const region = {
        x,
        y,
        width: Math.min(file.width - x, Math.ceil((item.box.width + 2 * m) * sx)),
        height: Math.min(file.height - y, Math.ceil((item.box.height + 2 * m) * sy)),
      };
      lines = await readUpscaled(ocr, rgb, file, region);
    } else {
      continue;
    }
    for (const f of item.fields) {
      // Small print (or a draft of a small master) is below what OCR reads reliably: a miss there is said, not failed.
      const px = f.sizePx * sy;
      const tooSmall = px < MIN_READABLE_PX ? `set at ${px.toFixed(1)} px in the delivered file, too small to read reliably` : undefined;
      out.push({ overlay: item.overlay, field: f.field, expected: f.expected, lines, tooSmall });
    }
  }
  return out;
}
