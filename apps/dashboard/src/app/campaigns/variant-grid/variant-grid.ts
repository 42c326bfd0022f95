import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { MatrixInput, QcReport, VariantView } from '@shotmatrix/contracts';
import { StatusChip } from '../../shared/status-chip';
import { percent } from '../../shared/format';
import type { StreamState } from '../campaign-events';
import { approvalChip, cellCoords, countByStatus, groupByMarket } from '../live-variants';

const STREAM_TEXT: Record<StreamState, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  lost: 'Live updates unavailable',
};

@Component({
  selector: 'app-variant-grid',
  imports: [RouterLink, StatusChip],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './variant-grid.html',
  styleUrl: './variant-grid.css',
})
export class VariantGrid {
  readonly variants = input.required<VariantView[]>();
  readonly matrix = input<MatrixInput | null>(null);
  readonly streamState = input<StreamState>('connecting');

  protected readonly counts = computed(() => countByStatus(this.variants()));
  protected readonly groups = computed(() => groupByMarket(this.variants(), this.matrix()));
  protected readonly streamText = computed(() => STREAM_TEXT[this.streamState()]);
  protected readonly percent = percent;
  protected readonly coords = cellCoords;
  protected readonly approval = approvalChip;

  /** The failed checks' reasons (or what was measured) for the chip's tooltip. */
  protected qcTitle(qc: QcReport): string {
    const failed = qc.checks.filter((c) => c.status === 'fail');
    return (failed.length ? failed : qc.checks.filter((c) => c.status === 'pass')).map((c) => c.detail).join('\n');
  }

  /** "market de · label classic · …" for the tooltip and screen readers. */
  protected captionTitle(v: VariantView): string {
    return cellCoords(v)
      .map((c) => `${c.dimension} ${c.code}`)
      .join(' · ');
  }
}
