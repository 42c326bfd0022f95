import { HttpErrorResponse } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, inject, input, output, signal } from '@angular/core';
import { switchMap } from 'rxjs';
import type { CampaignView, VariantView } from '@shotmatrix/contracts';
import { describeApiError } from '../../core/api-error';
import { newIdempotencyKey } from '../../core/request-headers';
import { ShotmatrixApi } from '../../core/shotmatrix-api';
import { eventValue } from '../../shared/dom';
import { CELL_SETTINGS, currentCellSettings, settingProblem, withCellSettings, type CellSettingKey, type CellSettings } from '../cell-override';

/**
 * "Re-render with changes" for producers: this cell's compositing settings,
 * saved as an override for exactly this cell (the matrix edit names the
 * version it is based on), then the matrix is expanded so only this cell's
 * render key changes. The new render is the variant's next version.
 */
@Component({
  selector: 'app-rerender-panel',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="panel" aria-labelledby="rerender-title" data-testid="rerender-panel">
      <header class="panel-head">
        <h2 id="rerender-title">Re-render with changes</h2>
      </header>
      <div class="panel-body">
      <p class="hint">Settings for this cell only; blank keeps the campaign's value. Saving expands the matrix, so other saved matrix edits are rendered too.</p>
      @if (campaign()) {
        <form (submit)="$event.preventDefault(); submit()">
          <div class="fields">
            @for (s of settings; track s.key) {
              <label>
                <span>{{ s.label }}</span>
                <input
                  type="number"
                  [attr.data-testid]="'rerender-' + s.key"
                  [min]="s.min"
                  [max]="s.max"
                  [step]="s.step"
                  [value]="values()[s.key] ?? ''"
                  (input)="set(s.key, $event)"
                />
              </label>
            }
          </div>
          <button type="submit" class="btn" data-testid="rerender-submit" [disabled]="busy()">{{ busy() ? 'Saving…' : 'Save and re-render' }}</button>
        </form>
      } @else {
        <button type="button" class="btn btn-ghost" data-testid="rerender-open" (click)="open()">Change settings…</button>
      }
      @if (problem(); as p) {
        <p class="error" role="alert" data-testid="rerender-error">{{ p }}</p>
      }
      @if (done(); as d) {
        <p class="ok" role="status" data-testid="rerender-result">{{ d }}</p>
      }
      </div>
    </section>
  `,
  styles: `
    .fields { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 0.5rem 0.75rem; margin-bottom: 0.6rem; }
    label { display: flex; flex-direction: column; font-size: 0.85rem; gap: 0.2rem; }
    input { width: 100%; }
    .hint { color: #55555f; font-size: 0.85rem; margin: 0 0 0.5rem; }
    .error { color: #b3261e; }
    .ok { color: #1d6b35; }
  `,
})
export class RerenderPanel {
  readonly variant = input.required<VariantView>();
  /** Emitted once the new render is queued: the page follows the new version. */
  readonly rerendered = output<void>();

  private readonly api = inject(ShotmatrixApi);
  protected readonly settings = CELL_SETTINGS;
  protected readonly campaign = signal<CampaignView | null>(null);
  protected readonly values = signal<CellSettings>({});
  private readonly raw = new Map<CellSettingKey, string>();
  protected readonly problem = signal<string | null>(null);
  protected readonly done = signal<string | null>(null);
  protected readonly busy = signal(false);

  protected open(): void {
    this.problem.set(null);
    this.done.set(null);
    this.api.getCampaign(this.variant().campaignId).subscribe({
      next: (c) => {
        this.campaign.set(c);
        this.values.set(c.matrix ? currentCellSettings(c.matrix, this.variant().coords) : {});
        this.raw.clear();
      },
      error: (err: unknown) => this.problem.set(describeApiError(err)),
    });
  }

  /** The matrix as it is now, keeping what was typed. */
  private reloadCampaign(): void {
    this.api.getCampaign(this.variant().campaignId).subscribe({ next: (c) => this.campaign.set(c), error: () => undefined });
  }

  protected set(key: CellSettingKey, event: Event): void {
    this.raw.set(key, eventValue(event));
  }

  protected submit(): void {
    const c = this.campaign();
    if (!c?.matrix || this.busy()) return;
    const next: CellSettings = { ...this.values() };
    for (const [key, raw] of this.raw) {
      const p = settingProblem(key, raw);
      if (p) {
        this.problem.set(p);
        return;
      }
      if (raw.trim() === '') delete next[key];
      else next[key] = Number(raw);
    }
    this.problem.set(null);
    this.done.set(null);
    this.busy.set(true);
    const matrix = withCellSettings(c.matrix, this.variant().coords, next);
    this.api
      .saveMatrix(c.id, c.version, matrix)
      .pipe(switchMap(() => this.api.expand(c.id, newIdempotencyKey())))
      .subscribe({
        next: (r) => {
          this.busy.set(false);
          this.campaign.set(null);
          this.done.set(r.expansion.changed ? 'Saved: this cell is rendering as a new version.' : 'Saved: nothing that changes the picture, so no new render.');
          if (r.expansion.changed) this.rerendered.emit();
        },
        error: (err: unknown) => {
          this.busy.set(false);
          this.problem.set(describeApiError(err));
          // A 409: someone edited the matrix meanwhile. Start again from their version (typed values stay in the inputs).
          if (err instanceof HttpErrorResponse && err.status === 409) this.reloadCampaign();
        },
      });
  }
}
