/** One QC check of a rendered variant. `not-checked` says plainly what was not measured, and why. */
export interface QcCheck {
  name: 'frames' | 'fps' | 'duration' | 'foreground-ssim' | 'lock-keyframes' | 'copy-ocr' | 'legal-line' | 'safe-areas';
  status: 'pass' | 'fail' | 'not-checked';
  /** A sentence a producer understands: what was measured against what. */
  detail: string;
  value?: number;
  threshold?: number;
}

export interface QcReport {
  /** False when any check failed; `not-checked` does not fail a variant. */
  passed: boolean;
  checks: QcCheck[];
  /** "What changed": mean difference from the master over the shot, as a heat colour over a grey frame. */
  heatmapUrl?: string | null;
  measuredAt: string;
}
