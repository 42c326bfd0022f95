import type { SpriteLayout, VideoProbe } from '@shotmatrix/media';
import type { ShotAnalysis } from '@shotmatrix/vision';

/** What an analysis stores; renders read the mezzanine, matte and motion, the dashboard the proxy and the sprite. */
export interface AnalysisResult extends Record<string, unknown> {
  /** The mezzanine as probed when it was made; renders read their geometry and rate from it. */
  mezzanine: VideoProbe;
  frameCount: number;
  mezzanineKey: string;
  proxyKey: string;
  spriteKey: string;
  sprite: SpriteLayout;
  /** Lossless grey video (FFV1), one matte frame per mezzanine frame; white is the subject. */
  matteKey: string;
  /** JSON CameraMotionTrack and { width, height, frames: ColourStatsFrame[] }. */
  cameraMotionKey: string;
  colourStatsKey: string;
  matting: ShotAnalysis['matting'];
  /** Share of frames whose camera motion was measured with confidence ≥ 0.4. */
  cameraMotionMeasured: number;
}
