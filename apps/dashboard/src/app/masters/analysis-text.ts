/** What the master page says about the analysis. Pure, so tested without Angular. */
import type { AnalysisView, MasterShotView, PlaneTrackView } from '@shotmatrix/contracts';

/** "IS-Net on CPU, k=8, 12 keyframes", "chroma key"; null before the analysis has said. */
export function mattingSummary(a: AnalysisView | null | undefined): string | null {
  if (!a?.mattingMode) return null;
  if (a.mattingMode === 'chroma') return 'chroma key';
  const parts = [`IS-Net on ${a.executionProvider === 'cuda' ? 'GPU (CUDA)' : a.executionProvider === 'cpu' ? 'CPU' : 'an unknown device'}`];
  if (a.matteStride) parts.push(`k=${a.matteStride}`);
  if (a.matteKeyframes) parts.push(`${a.matteKeyframes.length} ${a.matteKeyframes.length === 1 ? 'keyframe' : 'keyframes'}`);
  return parts.join(', ');
}

/** Whether the camera's motion could be followed: a flat key wall has nothing to track. */
export function cameraMotionSummary(a: AnalysisView | null | undefined): string {
  if (!a?.cameraMotionUrl) return '—';
  const m = a.cameraMotionMeasured;
  if (m === null) return 'measured';
  if (m < 0.05) return 'not measurable: the background has no texture to follow (treated as a locked-off camera)';
  return `measured on ${Math.round(m * 100)}% of frames`;
}

/** Whole percent of a 0…1 progress, never past 100. */
export function progressPercent(progress: number | null | undefined): number {
  if (progress == null || !Number.isFinite(progress)) return 0;
  return Math.round(Math.min(1, Math.max(0, progress)) * 100);
}

/** "Analysing · mattes · 42%", "Queued for analysis", "Analysed", "Analysis failed". */
export function statusLine(a: AnalysisView | null | undefined): string {
  if (!a) return 'Not analysed yet';
  switch (a.status) {
    case 'queued':
      return 'Queued for analysis';
    case 'running': {
      const stage = a.stage ? ` · ${a.stage}` : '';
      return `Analysing${stage}${a.progress != null ? ` · ${progressPercent(a.progress)}%` : ''}`;
    }
    case 'done':
      return 'Analysed';
    case 'failed':
      return 'Analysis failed';
  }
}

/** "front: tracking", "back: tracked", "side: failed — lost at frame 40". */
export function planeStatusText(p: PlaneTrackView | undefined, analysis: AnalysisView | null | undefined): string {
  if (!p) return 'not tracked';
  switch (p.status) {
    case 'queued':
      return analysis?.status === 'done' ? 'queued for tracking' : 'waits for the analysis';
    case 'running':
      return 'tracking…';
    case 'done':
      return 'tracked';
    case 'failed':
      return `tracking failed${p.error ? ` — ${p.error}` : ''}`;
  }
}

/**
 * The shot as the frames endpoint serves it: the analysis's mezzanine once
 * done (constant frame rate), else what the upload was probed as.
 */
export function shotGeometry(m: MasterShotView): { width: number; height: number; fps: number; frameCount: number } {
  const a = m.analysis;
  return {
    width: m.width,
    height: m.height,
    fps: a?.fps ?? m.fps,
    frameCount: a?.frameCount ?? m.frameCount,
  };
}
