import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { OpsActionView, OpsRenderView, OpsSummaryView } from '@shotmatrix/contracts';
import type { Observable } from 'rxjs';
import { Session } from '../../auth/session';
import { ErrorBanner } from '../../core/error-banner';
import { shortKey } from '../../shared/format';
import { OpsApi } from '../ops-api';
import { QUEUE_COUNTS, depthBars, describeCells, formatEta, formatRate } from '../ops-format';
import { type OpsStreamState, openOpsStream } from '../ops-stream';

const STATE_TEXT: Record<OpsStreamState, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Connection lost; reconnecting…',
};

@Component({
  selector: 'app-ops-page',
  imports: [DatePipe, RouterLink],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './ops-page.html',
  styleUrl: './ops-page.css',
})
export class OpsPage {
  private readonly api = inject(OpsApi);
  private readonly session = inject(Session);
  private readonly errors = inject(ErrorBanner);

  protected readonly summary = signal<OpsSummaryView | null>(null);
  protected readonly streamState = signal<OpsStreamState>('connecting');
  /** Render keys with a retry or cancel on its way, so their buttons wait. */
  protected readonly busy = signal<ReadonlySet<string>>(new Set());
  /** The last action's outcome, read out by screen readers. */
  protected readonly announcement = signal('');

  protected readonly canOperate = computed(() => this.session.can('ops:operate'));
  protected readonly bars = computed(() => depthBars(this.summary()?.queues ?? []));
  protected readonly stateText = computed(() => STATE_TEXT[this.streamState()]);

  protected readonly counts = QUEUE_COUNTS;
  protected readonly formatEta = formatEta;
  protected readonly formatRate = formatRate;
  protected readonly describeCells = describeCells;
  protected readonly shortKey = shortKey;

  constructor() {
    const stream = openOpsStream(
      this.api.eventsUrl,
      (event) => {
        if (event.type === 'summary') this.summary.set(event.summary);
      },
      (state) => this.streamState.set(state),
    );
    inject(DestroyRef).onDestroy(() => stream.close());
  }

  protected retry(render: OpsRenderView): void {
    this.act(render, this.api.retry(render.renderKey), (r) =>
      r.outcome === 'waiting' ? 'waits for the master analysis again' : 'is queued again',
    );
  }

  protected cancel(render: OpsRenderView): void {
    this.act(render, this.api.cancel(render.renderKey), (r) => (r.outcome === 'stopping' ? 'is cancelled; its worker is stopping it' : 'is cancelled'));
  }

  /** The stream brings the new state; the answer only confirms what happened. */
  private act(render: OpsRenderView, call: Observable<OpsActionView>, says: (r: OpsActionView) => string): void {
    const key = render.renderKey;
    this.busy.update((s) => new Set(s).add(key));
    const done = () =>
      this.busy.update((s) => {
        const next = new Set(s);
        next.delete(key);
        return next;
      });
    call.subscribe({
      next: (r) => {
        done();
        this.announcement.set(`Render ${shortKey(key)} ${says(r)}.`);
      },
      error: (err: unknown) => {
        done();
        this.errors.show(err);
      },
    });
  }
}
