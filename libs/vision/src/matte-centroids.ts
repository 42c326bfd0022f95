import { readFrames, type MediaTools } from '@shotmatrix/media';
import { workSize } from './analyse-shot';
import { loadOpenCv } from './opencv';

/** Long side the matte is read at: a centroid needs no detail. */
const CENTROID_LONG_SIDE = 192;
/** Less of the frame than this is noise, not a subject. */
const MIN_COVER = 0.002;

/**
 * The subject's centre of mass per frame, in master pixels (null where the
 * matte is all but empty), from the matte video read small.
 */
export async function matteCentroids(
  tools: MediaTools,
  mattePath: string,
  frame: { width: number; height: number },
  signal?: AbortSignal,
): Promise<Array<[number, number] | null>> {
  const cv = await loadOpenCv();
  const size = workSize(frame.width, frame.height, CENTROID_LONG_SIDE);
  const m = new cv.Mat(size.height, size.width, cv.CV_8UC1);
  const out: Array<[number, number] | null> = [];
  try {
    for await (const grey of readFrames(tools, mattePath, { ...size, pixelFormat: 'gray', signal })) {
      m.data.set(grey);
      const mo = cv.moments(m, false);
      if (mo.m00 < MIN_COVER * 255 * size.width * size.height) {
        out.push(null);
        continue;
      }
      // Pixel centres sit at i + ½ in master coordinates.
      out.push([((mo.m10 / mo.m00 + 0.5) * frame.width) / size.width, ((mo.m01 / mo.m00 + 0.5) * frame.height) / size.height]);
    }
  } finally {
    m.delete();
  }
  return out;
}
