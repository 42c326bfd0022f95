import type { Quad } from '@shotmatrix/contracts';
import { readFrames, type MediaTools } from '@shotmatrix/media';
import { loadOpenCv, type Cv } from './opencv';

/**
 * What the plane looked like where its label was drawn, rectified into the
 * label's own pixels: colour = the master's on the plane, alpha = the
 * matte there (255 where the plane was part of the subject, e.g. a bottle's
 * label; 0 where it was background, e.g. a poster behind the actor).
 *
 * The compositor warps this every frame exactly as it warps the label and
 * compares it with the master to find what passes in front of the plane:
 * on a background plane anything the matte covers is in front; on a plane
 * that is itself the subject the matte covers it all the time, so only
 * pixels that no longer look like the plane (a hand) count.
 */
export interface PlaneReference {
  /** width × height × 4, RGBA, straight alpha. */
  rgba: Uint8Array;
  width: number;
  height: number;
}

/**
 * Rectifies the master's RGB frame and matte inside `quad` (corners TL, TR,
 * BR, BL in master pixels, centres on halves) to a `size` rectangle. Pure
 * opencv.js: one warp per channel, no per-pixel JavaScript.
 */
export function rectifyPlane(
  cv: Cv,
  rgb: Uint8Array,
  matte: Uint8Array | null,
  frame: { width: number; height: number },
  quad: Quad,
  size: { width: number; height: number },
): PlaneReference {
  // opencv puts pixel centres on integers, the contracts on halves: shift both sides by ½.
  const src = cv.matFromArray(4, 1, cv.CV_32FC2, quad.flatMap(([x, y]) => [x - 0.5, y - 0.5]));
  const { width: w, height: h } = size;
  const dst = cv.matFromArray(4, 1, cv.CV_32FC2, [-0.5, -0.5, w - 0.5, -0.5, w - 0.5, h - 0.5, -0.5, h - 0.5]);
  const m = cv.getPerspectiveTransform(src, dst);
  const g = new cv.Mat(frame.height, frame.width, cv.CV_8UC3);
  const a = matte ? new cv.Mat(frame.height, frame.width, cv.CV_8UC1) : null;
  const gOut = new cv.Mat();
  const aOut = new cv.Mat();
  const planes = new cv.MatVector();
  const rgba = new cv.Mat();
  try {
    g.data.set(rgb);
    cv.warpPerspective(g, gOut, m, new cv.Size(w, h), cv.INTER_AREA, cv.BORDER_REPLICATE, new cv.Scalar());
    if (a && matte) {
      a.data.set(matte);
      cv.warpPerspective(a, aOut, m, new cv.Size(w, h), cv.INTER_LINEAR, cv.BORDER_REPLICATE, new cv.Scalar());
    } else {
      // No matte: nothing says the plane was the subject, so it counts as background.
      aOut.create(h, w, cv.CV_8UC1);
      aOut.setTo(new cv.Scalar(0));
    }
    cv.split(gOut, planes);
    planes.push_back(aOut);
    cv.merge(planes, rgba);
    return { rgba: rgba.data.slice(), width: w, height: h };
  } finally {
    for (const x of [src, dst, m, g, gOut, aOut, rgba]) x.delete();
    a?.delete();
    planes.delete();
  }
}

/**
 * The plane where it was seeded, from one decode of that master frame (and of
 * the matte's): the mean luma inside the drawn quad (the label's shading
 * reference brightness) and, with a matte, the plane rectified to the label's
 * size (the occlusion key's reference). `drawn` is the producer's quad,
 * `tracked` the tracker's on the same frame.
 */
export async function planeSeedLook(
  tools: MediaTools,
  masterPath: string,
  mattePath: string | null,
  frame: { width: number; height: number },
  n: number,
  quads: { drawn: Quad; tracked: Quad },
  size: { width: number; height: number },
  signal?: AbortSignal,
): Promise<{ luma: number; reference: PlaneReference | null }> {
  const one = async (file: string, pixelFormat: 'rgb24' | 'gray') => {
    for await (const f of readFrames(tools, file, { ...frame, pixelFormat, startFrame: n, frameCount: 1, signal })) return new Uint8Array(f);
    throw new Error(`label plane: frame ${n} of ${file} could not be read`);
  };
  const rgb = await one(masterPath, 'rgb24');
  const cv = await loadOpenCv();
  const luma = quadLuma(cv, rgb, frame, quads.drawn);
  return { luma, reference: mattePath ? rectifyPlane(cv, rgb, await one(mattePath, 'gray'), frame, quads.tracked, size) : null };
}

/** Mean luma (0–255) of an RGB frame inside a quad. */
function quadLuma(cv: Cv, rgb: Uint8Array, frame: { width: number; height: number }, quad: Quad): number {
  const img = new cv.Mat(frame.height, frame.width, cv.CV_8UC3);
  const grey = new cv.Mat();
  const mask = cv.Mat.zeros(frame.height, frame.width, cv.CV_8UC1);
  const pts = cv.matFromArray(4, 1, cv.CV_32SC2, quad.flatMap(([x, y]) => [Math.round(x - 0.5), Math.round(y - 0.5)]));
  const polys = new cv.MatVector();
  try {
    img.data.set(rgb);
    cv.cvtColor(img, grey, cv.COLOR_RGB2GRAY);
    polys.push_back(pts);
    cv.fillPoly(mask, polys, new cv.Scalar(255));
    return cv.mean(grey, mask)[0];
  } finally {
    for (const m of [img, grey, mask, pts]) m.delete();
    polys.delete();
  }
}
