import { ChangeDetectionStrategy, Component, computed, DestroyRef, inject, input, output, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { RouterLink } from '@angular/router';
import type { CampaignView } from '@shotmatrix/contracts';
import { ErrorBanner } from '../../core/error-banner';
import { newIdempotencyKey } from '../../core/request-headers';
import { ShotmatrixApi } from '../../core/shotmatrix-api';
import { eventFile } from '../../shared/dom';
import { formatCount, formatFps, formatSeconds } from '../../shared/format';
import { analysisLabel, spriteTile } from '../../shared/sprite';

@Component({
  selector: 'app-master-shot',
  imports: [RouterLink],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './master-shot.html',
  styleUrl: './master-shot.css',
})
export class MasterShot {
  private readonly api = inject(ShotmatrixApi);
  private readonly errors = inject(ErrorBanner);
  private readonly destroyRef = inject(DestroyRef);

  readonly campaign = input.required<CampaignView>();
  readonly uploaded = output<CampaignView>();

  /** Upload progress 0..1 while a file is being sent; null when idle. */
  protected readonly progress = signal<number | null>(null);
  protected readonly fileName = signal('');

  protected readonly formatSeconds = formatSeconds;
  protected readonly formatFps = formatFps;
  protected readonly formatCount = formatCount;
  protected readonly analysisLabel = analysisLabel;

  /** Where the pointer is across the scrub strip, 0..1. */
  protected readonly scrubAt = signal(0.5);
  protected readonly tile = computed(() => {
    const sprite = this.campaign().master?.analysis?.sprite;
    return sprite ? spriteTile(this.scrubAt(), sprite) : { index: 0, timeS: 0, size: 'auto', position: '0 0' };
  });

  protected scrub(event: PointerEvent): void {
    const box = (event.currentTarget as HTMLElement).getBoundingClientRect();
    this.scrubAt.set(box.width ? (event.clientX - box.left) / box.width : 0);
  }

  protected upload(event: Event): void {
    const file = eventFile(event);
    const inputEl = event.target as HTMLInputElement;
    if (!file || this.progress() !== null) return;
    this.errors.clear();
    this.fileName.set(file.name);
    this.progress.set(0);
    this.api
      .uploadMaster(this.campaign().id, file, newIdempotencyKey())
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (p) => {
          if (p.kind === 'progress') {
            this.progress.set(p.fraction);
            return;
          }
          this.progress.set(null);
          this.uploaded.emit(p.body);
        },
        error: (err: unknown) => {
          this.progress.set(null);
          // Let the producer pick the same file again after fixing the problem.
          inputEl.value = '';
          this.errors.show(err);
        },
      });
  }
}
