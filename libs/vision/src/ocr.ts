import { existsSync, readFileSync, statSync } from 'node:fs';
import { ctcGreedyDecode, parseDictionary, type OcrDictionary } from './ocr-text';
import { firstLine, MODEL_FETCH_HINT, startOnnxWorker, type OnnxOutput, type OnnxProviderChoice } from './onnx-worker';
import { loadOpenCv, type Cv } from './opencv';

/**
 * PP-OCRv4 text reading (DB detector + SVTR/CTC recogniser, ONNX), with
 * PaddleOCR's own pre- and post-processing, done on opencv.js Mats.
 */

export type OcrProviderChoice = OnnxProviderChoice;

export interface OcrOptions {
  detModelPath: string;
  recModelPath: string;
  /** PaddleOCR key file (`ppocr_keys_v1.txt`), one class per line. */
  dictPath: string;
  /** `auto` tries CUDA first and falls back to the CPU; `cuda` fails when CUDA cannot be loaded. */
  provider?: OcrProviderChoice;
  /** Intra-op threads for the CPU provider; onnxruntime's default (all cores) when left out. */
  threads?: number;
  /**
   * Lines read with a lower score are dropped (PaddleOCR's `drop_score`, 0.5). Not a
   * guard against scripts the model lacks: correct supers scored 0.82–1.00 here, but
   * Thai read as Latin lookalikes still scored 0.6–0.8 (judgeOcr's script rule handles that).
   */
  minConfidence?: number;
}

export interface OcrLine {
  text: string;
  /** Mean per-character probability, 0..1. */
  confidence: number;
  /** The text's quadrilateral in the frame's pixels: top-left, top-right, bottom-right, bottom-left. */
  box: [number, number][];
}

export interface OcrRegion {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Ocr {
  /** Which execution provider actually ran (after any fallback). */
  readonly provider: 'cuda' | 'cpu';
  readonly dictionary: OcrDictionary;
  /** Reads all text in a tightly packed width×height×3 RGB frame, in reading order (top to bottom, left to right). */
  read(rgb: Uint8Array, width: number, height: number): Promise<OcrLine[]>;
  /**
   * Reads only inside `region` (where QC knows a super or label was placed), so
   * text elsewhere in the picture (shop signs on a street plate) cannot mix into
   * the reading, and a band costs a fraction of a full frame. Boxes are in frame
   * pixels. This is the call copy QC should use; `read` is for finding text.
   */
  readRegion(rgb: Uint8Array, width: number, height: number, region: OcrRegion): Promise<OcrLine[]>;
  close(): Promise<void>;
}

/** A model or dictionary file is missing or unusable: the operator fixes this, not the producer. */
export class OcrModelError extends Error {
  readonly code = 'OCR_MODEL_UNAVAILABLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OcrModelError';
  }
}

/** PaddleOCR's detector settings (tools/infer/utility.py defaults for PP-OCRv4). */
export const OCR_DET = {
  /** The longer side is scaled down to this; both sides are then rounded to multiples of 32. */
  limitSide: 960,
  mean: [0.485, 0.456, 0.406],
  std: [0.229, 0.224, 0.225],
  /** Probability-map binarisation. */
  threshold: 0.3,
  /** Mean probability inside a box below which it is dropped. */
  boxThreshold: 0.6,
  /** The shrunk text kernels the DB head predicts are grown back by area × ratio / perimeter. */
  unclipRatio: 1.5,
  maxCandidates: 1000,
  /** Boxes with a side under this many (detector) pixels are noise. */
  minSize: 3,
} as const;

/** The recogniser's fixed input height; widths are padded to at least 320 as PaddleOCR does (4:1 per 48 px of height is its training shape). */
export const OCR_REC = { height: 48, minWidth: 320 } as const;

/**
 * Loads the PP-OCRv4 detector and recogniser, both on one worker thread (see
 * startOnnxWorker). Measured here (2 shared CPU cores,
 * onnxruntime's default threads): a 1080p frame with four supers reads in
 * 220–375 ms (the detector alone ~150–200 ms, then ~20–40 ms a line); one
 * 1400×150 super band in 45–110 ms; loading both models ~0.4 s.
 */
export async function createOcr(opts: OcrOptions): Promise<Ocr> {
  for (const [what, file] of [
    ['PP-OCR detector model', opts.detModelPath],
    ['PP-OCR recogniser model', opts.recModelPath],
    ['PP-OCR dictionary', opts.dictPath],
  ] as const) {
    if (!existsSync(file) || !statSync(file).isFile()) throw new OcrModelError(`${what} not found at ${file}: ${MODEL_FETCH_HINT}`);
  }
  const dictionary = parseDictionary(readFileSync(opts.dictPath, 'utf8'));
  const minConfidence = opts.minConfidence ?? 0.5;
  const session = await startOnnxWorker({
    name: 'OCR',
    family: 'PP-OCRv4',
    models: {
      det: { path: opts.detModelPath, input: 'x', output: 'sigmoid_0.tmp_0' },
      rec: { path: opts.recModelPath, input: 'x', output: 'softmax_11.tmp_0' },
    },
    provider: opts.provider,
    threads: opts.threads,
    modelError: (message, options) => new OcrModelError(message, options),
  });
  const infer: Infer = session.run;
  const cv = await loadOpenCv();

  // Checked once on a blank line: a dictionary that does not match the model would shift every character.
  let classes: number;
  try {
    const probe = new Float32Array(3 * OCR_REC.height * OCR_REC.minWidth);
    classes = (await infer('rec', probe, [1, 3, OCR_REC.height, OCR_REC.minWidth])).dims[2];
  } catch (e) {
    await session.terminate();
    throw new OcrModelError(`the recogniser at ${opts.recModelPath} does not run (${firstLine(e)}): ${MODEL_FETCH_HINT}`, { cause: e });
  }
  if (classes !== dictionary.labels.length) {
    await session.terminate();
    throw new OcrModelError(
      `the recogniser at ${opts.recModelPath} has ${classes} classes but ${opts.dictPath} gives ${dictionary.labels.length} (blank + ${dictionary.labels.length - 2} lines + space): they do not belong together; ${MODEL_FETCH_HINT}`,
    );
  }

  const readBgr = async (bgr: Mat, offsetX: number, offsetY: number): Promise<OcrLine[]> => {
    const boxes = await detect(cv, bgr, infer);
    const lines: OcrLine[] = [];
    for (const box of boxes) {
      const { input, width } = recInput(cv, bgr, box);
      const { output, dims } = await infer('rec', input, [1, 3, OCR_REC.height, width]);
      const { text, confidence } = ctcGreedyDecode(output, dims[1], dims[2], dictionary.labels);
      if (!text || confidence < minConfidence) continue;
      lines.push({ text, confidence, box: box.map(([x, y]) => [x + offsetX, y + offsetY] as [number, number]) });
    }
    return lines;
  };

  const withBgr = async <T>(rgb: Uint8Array, width: number, height: number, use: (bgr: Mat) => Promise<T>): Promise<T> => {
    if (rgb.length !== width * height * 3) throw new Error(`RGB frame has ${rgb.length} bytes, expected ${width * height * 3}`);
    const src = new cv.Mat(height, width, cv.CV_8UC3);
    const bgr = new cv.Mat();
    try {
      src.data.set(rgb);
      // PaddleOCR trained on cv2.imread's BGR order (its mean/std lists apply to B, G, R in turn).
      // On white-on-dark supers RGB read the same text, line confidences within 0.03; BGR is the faithful choice.
      cv.cvtColor(src, bgr, cv.COLOR_RGB2BGR);
      return await use(bgr);
    } finally {
      src.delete();
      bgr.delete();
    }
  };

  return {
    provider: session.provider,
    dictionary,
    read: (rgb, width, height) => withBgr(rgb, width, height, (bgr) => readBgr(bgr, 0, 0)),
    readRegion: (rgb, width, height, region) =>
      withBgr(rgb, width, height, async (bgr) => {
        const x = Math.max(0, Math.floor(region.x));
        const y = Math.max(0, Math.floor(region.y));
        const w = Math.min(width, Math.ceil(region.x + region.width)) - x;
        const h = Math.min(height, Math.ceil(region.y + region.height)) - y;
        if (w <= 0 || h <= 0) throw new Error(`OCR region ${JSON.stringify(region)} lies outside the ${width}×${height} frame`);
        // A view, not a copy: opencv addresses it from the region's corner, so boxes only need the offset back.
        const crop = bgr.roi(new cv.Rect(x, y, w, h));
        try {
          return await readBgr(crop, x, y);
        } finally {
          crop.delete();
        }
      }),
    close: () => session.close(),
  };
}

type Mat = InstanceType<Cv['Mat']>;
type Quad = [number, number][];
type Infer = (model: 'det' | 'rec', input: Float32Array, dims: number[]) => Promise<OnnxOutput>;

/** Sizes the detector sees: the longer side limited to 960, both sides rounded to multiples of 32 (the DB backbone downsamples by 32). */
export function detSize(width: number, height: number, limitSide: number = OCR_DET.limitSide): { width: number; height: number } {
  const ratio = Math.max(width, height) > limitSide ? limitSide / Math.max(width, height) : 1;
  const round32 = (v: number) => Math.max(32, Math.round((v * ratio) / 32) * 32);
  return { width: round32(width), height: round32(height) };
}

/** A 3-channel image → planar (CHW) float tensor data, channel c scaled as `alpha[c]·x + beta[c]`, through opencv (no per-pixel JS). */
function toPlanes(cv: Cv, image: Mat, alpha: readonly number[], beta: readonly number[], into: Float32Array): void {
  const plane = image.rows * image.cols;
  const planes = new cv.MatVector();
  const f = new cv.Mat();
  try {
    cv.split(image, planes);
    for (let c = 0; c < 3; c++) {
      const p = planes.get(c);
      p.convertTo(f, cv.CV_32F, alpha[c], beta[c]);
      into.set(f.data32F, c * plane);
      p.delete();
    }
  } finally {
    planes.delete();
    f.delete();
  }
}

/** DB detection: text quadrilaterals in the image's pixels, in reading order. */
async function detect(cv: Cv, bgr: Mat, infer: Infer): Promise<Quad[]> {
  const { width: dw, height: dh } = detSize(bgr.cols, bgr.rows);
  const input = new Float32Array(3 * dw * dh);
  const sized = new cv.Mat();
  try {
    cv.resize(bgr, sized, new cv.Size(dw, dh), 0, 0, cv.INTER_LINEAR);
    const { mean, std } = OCR_DET;
    toPlanes(
      cv,
      sized,
      std.map((s) => 1 / (255 * s)),
      mean.map((m, c) => -m / std[c]),
      input,
    );
  } finally {
    sized.delete();
  }
  const { output, dims } = await infer('det', input, [1, 3, dh, dw]);
  const [mh, mw] = [dims[2], dims[3]];
  const boxes = dbBoxes(cv, output, mw, mh);
  const sx = bgr.cols / mw;
  const sy = bgr.rows / mh;
  const clampX = (v: number) => Math.min(Math.max(Math.round(v * sx), 0), bgr.cols);
  const clampY = (v: number) => Math.min(Math.max(Math.round(v * sy), 0), bgr.rows);
  const inImage = boxes
    .map((q) => q.map(([x, y]) => [clampX(x), clampY(y)] as [number, number]))
    // PaddleOCR's filter_tag_det_res: slivers left after clipping are dropped.
    .filter((q) => dist(q[0], q[1]) > 3 && dist(q[0], q[3]) > 3);
  return sortReadingOrder(inImage);
}

/** DB post-processing (PaddleOCR DBPostProcess, `fast` box score, no dilation). */
function dbBoxes(cv: Cv, probs: Float32Array, width: number, height: number): Quad[] {
  const prob = new cv.Mat(height, width, cv.CV_32FC1);
  const binF = new cv.Mat();
  const bin = new cv.Mat();
  const contours = new cv.MatVector();
  const hierarchy = new cv.Mat();
  const out: Quad[] = [];
  try {
    prob.data32F.set(probs.subarray(0, width * height));
    cv.threshold(prob, binF, OCR_DET.threshold, 255, cv.THRESH_BINARY);
    binF.convertTo(bin, cv.CV_8U);
    cv.findContours(bin, contours, hierarchy, cv.RETR_LIST, cv.CHAIN_APPROX_SIMPLE);
    const n = Math.min(contours.size(), OCR_DET.maxCandidates);
    for (let i = 0; i < n; i++) {
      const contour = contours.get(i);
      try {
        const rect = cv.minAreaRect(contour);
        if (Math.min(rect.size.width, rect.size.height) < OCR_DET.minSize) continue;
        const quad = orderMiniBox(cv.RotatedRect.points(rect).map((p) => [p.x, p.y] as [number, number]));
        if (boxScore(cv, prob, quad) < OCR_DET.boxThreshold) continue;
        // Offsetting a rectangle by d (pyclipper, round joins) and taking the min-area rectangle again grows each side by 2d.
        const d = (polygonArea(quad) * OCR_DET.unclipRatio) / perimeter(quad);
        const grown = { center: rect.center, size: { width: rect.size.width + 2 * d, height: rect.size.height + 2 * d }, angle: rect.angle };
        if (Math.min(grown.size.width, grown.size.height) < OCR_DET.minSize + 2) continue;
        out.push(orderMiniBox(cv.RotatedRect.points(grown as typeof rect).map((p) => [p.x, p.y] as [number, number])));
      } finally {
        contour.delete();
      }
    }
  } finally {
    prob.delete();
    binF.delete();
    bin.delete();
    contours.delete();
    hierarchy.delete();
  }
  return out;
}

/** Mean probability inside the quad, over its bounding rectangle with a polygon mask. */
function boxScore(cv: Cv, prob: Mat, quad: Quad): number {
  const xs = quad.map((p) => p[0]);
  const ys = quad.map((p) => p[1]);
  const x0 = clamp(Math.floor(Math.min(...xs)), 0, prob.cols - 1);
  const x1 = clamp(Math.ceil(Math.max(...xs)), 0, prob.cols - 1);
  const y0 = clamp(Math.floor(Math.min(...ys)), 0, prob.rows - 1);
  const y1 = clamp(Math.ceil(Math.max(...ys)), 0, prob.rows - 1);
  const roi = prob.roi(new cv.Rect(x0, y0, x1 - x0 + 1, y1 - y0 + 1));
  const mask = cv.Mat.zeros(y1 - y0 + 1, x1 - x0 + 1, cv.CV_8UC1);
  const poly = cv.matFromArray(4, 1, cv.CV_32SC2, quad.flatMap(([x, y]) => [Math.round(x - x0), Math.round(y - y0)]));
  const polys = new cv.MatVector();
  try {
    polys.push_back(poly);
    cv.fillPoly(mask, polys, new cv.Scalar(1));
    return cv.mean(roi, mask)[0];
  } finally {
    roi.delete();
    mask.delete();
    poly.delete();
    polys.delete();
  }
}

/** PaddleOCR's get_mini_boxes order: top-left, top-right, bottom-right, bottom-left. */
function orderMiniBox(points: Quad): Quad {
  const p = [...points].sort((a, b) => a[0] - b[0]);
  const [tl, bl] = p[1][1] > p[0][1] ? [p[0], p[1]] : [p[1], p[0]];
  const [tr, br] = p[3][1] > p[2][1] ? [p[2], p[3]] : [p[3], p[2]];
  return [tl, tr, br, bl];
}

/** PaddleOCR's sorted_boxes: by top edge, then left to right for boxes whose tops lie within 10 px. */
export function sortReadingOrder<T extends [number, number][]>(boxes: T[]): T[] {
  const b = [...boxes].sort((u, v) => u[0][1] - v[0][1] || u[0][0] - v[0][0]);
  for (let i = 0; i < b.length - 1; i++) {
    for (let j = i; j >= 0; j--) {
      if (Math.abs(b[j + 1][0][1] - b[j][0][1]) < 10 && b[j + 1][0][0] < b[j][0][0]) [b[j], b[j + 1]] = [b[j + 1], b[j]];
      else break;
    }
  }
  return b;
}

/**
 * One text box → the recogniser's input: perspective-rectified crop (vertical
 * boxes turned to read left to right), height 48 keeping the aspect ratio,
 * (x/255 − 0.5)/0.5, padded on the right with zeros to at least 320 wide.
 */
function recInput(cv: Cv, bgr: Mat, box: Quad): { input: Float32Array; width: number } {
  const w = Math.max(1, Math.trunc(Math.max(dist(box[0], box[1]), dist(box[2], box[3]))));
  const h = Math.max(1, Math.trunc(Math.max(dist(box[0], box[3]), dist(box[1], box[2]))));
  const src = cv.matFromArray(4, 1, cv.CV_32FC2, box.flat());
  const dst = cv.matFromArray(4, 1, cv.CV_32FC2, [0, 0, w, 0, w, h, 0, h]);
  const m = cv.getPerspectiveTransform(src, dst);
  const warped = new cv.Mat();
  const turned = new cv.Mat();
  const sized = new cv.Mat();
  const scaled = new cv.Mat();
  const padded = new cv.Mat();
  try {
    cv.warpPerspective(bgr, warped, m, new cv.Size(w, h), cv.INTER_CUBIC, cv.BORDER_REPLICATE, new cv.Scalar());
    const upright = warped.rows / warped.cols >= 1.5;
    if (upright) cv.rotate(warped, turned, cv.ROTATE_90_COUNTERCLOCKWISE);
    const crop = upright ? turned : warped;
    const H = OCR_REC.height;
    const ratio = crop.cols / crop.rows;
    const width = Math.max(OCR_REC.minWidth, Math.trunc(H * ratio));
    const resizedW = Math.min(width, Math.ceil(H * ratio));
    cv.resize(crop, sized, new cv.Size(resizedW, H), 0, 0, cv.INTER_LINEAR);
    sized.convertTo(scaled, cv.CV_32FC3, 2 / 255, -1);
    // Padding is 0 in normalised units (mid-grey), as PaddleOCR pads after normalising.
    cv.copyMakeBorder(scaled, padded, 0, 0, 0, width - resizedW, cv.BORDER_CONSTANT, new cv.Scalar(0, 0, 0, 0));
    const input = new Float32Array(3 * H * width);
    toPlanes(cv, padded, [1, 1, 1], [0, 0, 0], input);
    return { input, width };
  } finally {
    src.delete();
    dst.delete();
    m.delete();
    warped.delete();
    turned.delete();
    sized.delete();
    scaled.delete();
    padded.delete();
  }
}

const dist = (a: [number, number], b: [number, number]) => Math.hypot(a[0] - b[0], a[1] - b[1]);
const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
function polygonArea(q: Quad): number {
  let s = 0;
  for (let i = 0; i < q.length; i++) {
    const [x1, y1] = q[i];
    const [x2, y2] = q[(i + 1) % q.length];
    s += x1 * y2 - x2 * y1;
  }
  return Math.abs(s) / 2;
}
function perimeter(q: Quad): number {
  let s = 0;
  for (let i = 0; i < q.length; i++) s += dist(q[i], q[(i + 1) % q.length]);
  return s;
}
