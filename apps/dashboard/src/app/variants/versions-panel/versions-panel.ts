import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, effect, input, output, signal, untracked } from '@angular/core';
import type { VariantVersionView } from '@shotmatrix/contracts';
import { StatusChip } from '../../shared/status-chip';
import { shortKey } from '../../shared/format';
import { eventValue } from '../../shared/dom';
import { type ComparePair, decisionSummary, defaultComparePair, playableVersions, versionLabel } from '../versions';

/**
 * Every render the variant has had (a re-render with changed settings is a
 * new version), with status, QC and decisions; two of them can be compared
 * in the player.
 */
@Component({
  selector: 'app-versions-panel',
  imports: [DatePipe, StatusChip],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './versions-panel.html',
  styleUrl: './versions-panel.css',
})
export class VersionsPanel {
  readonly versions = input.required<readonly VariantVersionView[]>();
  /** The pair in the player, or null while the player shows the variant against the master. */
  readonly comparing = input<ComparePair | null>(null);
  readonly loading = input(false);

  readonly compare = output<ComparePair>();
  readonly stopCompare = output<void>();

  protected readonly playable = computed(() => playableVersions(this.versions()));
  protected readonly a = signal<number | null>(null);
  protected readonly b = signal<number | null>(null);
  protected readonly label = versionLabel;
  protected readonly summary = decisionSummary;
  protected readonly shortKey = shortKey;

  constructor() {
    // New versions arrived: start from the obvious pair unless one is being compared.
    effect(() => {
      const pair = this.comparing() ?? defaultComparePair(this.versions());
      untracked(() => {
        this.a.set(pair?.a ?? null);
        this.b.set(pair?.b ?? null);
      });
    });
  }

  protected pick(which: 'a' | 'b', event: Event): void {
    (which === 'a' ? this.a : this.b).set(Number(eventValue(event)));
  }

  protected start(): void {
    const a = this.a();
    const b = this.b();
    if (a !== null && b !== null && a !== b) this.compare.emit({ a, b });
  }
}
