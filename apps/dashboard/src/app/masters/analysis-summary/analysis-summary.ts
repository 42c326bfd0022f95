import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { MasterShotView } from '@shotmatrix/contracts';
import { formatCount, formatFps, formatSeconds } from '../../shared/format';
import { cameraMotionSummary, mattingSummary, planeStatusText, progressPercent, statusLine } from '../analysis-text';

/** The master's facts and where its analysis stands (live from the campaign's event stream). */
@Component({
  selector: 'app-analysis-summary',
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './analysis-summary.html',
  styleUrl: './analysis-summary.css',
})
export class AnalysisSummary {
  readonly master = input.required<MasterShotView>();

  protected readonly analysis = computed(() => this.master().analysis);
  protected readonly status = computed(() => statusLine(this.analysis()));
  protected readonly matting = computed(() => mattingSummary(this.analysis()));
  protected readonly cameraMotion = computed(() => cameraMotionSummary(this.analysis()));
  protected readonly percent = computed(() => progressPercent(this.analysis()?.progress));
  protected readonly planes = computed(() => {
    const a = this.analysis();
    return (a?.planes ?? []).map((p) => ({ plane: p.plane, status: p.status, text: planeStatusText(p, a) }));
  });

  protected readonly formatFps = formatFps;
  protected readonly formatCount = formatCount;
  protected readonly formatSeconds = formatSeconds;
}
