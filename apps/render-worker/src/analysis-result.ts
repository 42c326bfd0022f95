import type { SpriteLayout, VideoProbe } from '@shotmatrix/media';

/** What an analysis stores; renders read the mezzanine, the dashboard the proxy and the sprite. */
export interface AnalysisResult extends Record<string, unknown> {
  /** The mezzanine as probed when it was made; renders read their geometry and rate from it. */
  mezzanine: VideoProbe;
  frameCount: number;
  mezzanineKey: string;
  proxyKey: string;
  spriteKey: string;
  sprite: SpriteLayout;
}
