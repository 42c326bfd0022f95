import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import type { QcCheck, QcReport } from '@shotmatrix/contracts';

const CHECK_TEXT: Record<QcCheck['status'], string> = { pass: 'Pass', fail: 'Fail', 'not-checked': 'Not checked' };
const CHECK_NAME: Record<QcCheck['name'], string> = {
  frames: 'Frame count',
  fps: 'Frame rate',
  duration: 'Duration',
  'foreground-ssim': 'Subject vs master (SSIM)',
  'lock-keyframes': 'Lock keyframes',
  'copy-ocr': 'Copy (OCR)',
  'legal-line': 'Legal line on screen',
  'safe-areas': 'Safe areas',
};

/** A render's QC: pass/fail per check with what was measured, and the "what changed" heatmap. */
@Component({
  selector: 'app-qc-panel',
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './qc-panel.html',
  styleUrl: './qc-panel.css',
})
export class QcPanel {
  readonly qc = input.required<QcReport>();
  /** "v2" when the report is not the current version's. */
  readonly subtitle = input<string | null>(null);

  protected readonly checkText = CHECK_TEXT;
  protected checkName(name: QcCheck['name']): string {
    return CHECK_NAME[name] ?? name;
  }
}
