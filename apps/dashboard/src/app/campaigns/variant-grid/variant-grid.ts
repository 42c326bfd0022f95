import { afterNextRender, afterRenderEffect, ChangeDetectionStrategy, Component, computed, DestroyRef, ElementRef, inject, input, signal, viewChild } from '@angular/core';
import { ActivatedRoute, RouterLink } from '@angular/router';
import type { MatrixInput, QcReport, VariantStatus, VariantView } from '@shotmatrix/contracts';
import { Session } from '../../auth/session';
import { describeApiError } from '../../core/api-error';
import { newIdempotencyKey } from '../../core/request-headers';
import { ShotmatrixApi } from '../../core/shotmatrix-api';
import { eventValue } from '../../shared/dom';
import { bulkApprovable } from './bulk-approve';
import { StatusChip } from '../../shared/status-chip';
import { percent } from '../../shared/format';
import type { StreamState } from '../campaign-events';
import { approvalChip, cellCoords, countByStatus } from '../live-variants';
import {
  BOARD_METRICS,
  boardDimensions,
  boardLayout,
  boardRows,
  facetCounts,
  filterVariants,
  groupVariants,
  isFiltered,
  marketOptions,
  NO_FILTER,
  QC_RESULTS,
  renderWindow,
  rowsToRender,
  STATUSES,
  toggleMarket,
  type BoardFilter,
  type BoardRow,
  type QcResult,
  type RenderWindow,
} from './board-view';

const STREAM_TEXT: Record<StreamState, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  lost: 'Live updates unavailable',
};

const STATUS_TEXT: Record<VariantStatus, string> = { queued: 'Queued', rendering: 'Rendering', done: 'Done', failed: 'Failed' };
const QC_TEXT: Record<QcResult, string> = { pass: 'QC pass', fail: 'QC fail', none: 'QC not yet' };

/** Same rows, same objects: scrolling within a window step re-renders nothing. */
const sameRows = (a: readonly BoardRow[], b: readonly BoardRow[]) => a.length === b.length && a.every((r, i) => r === b[i]);
const sameWindow = (a: RenderWindow | null, b: RenderWindow | null) => a === b || (!!a && !!b && a.from === b.from && a.to === b.to);
const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * The campaign's board: every variant as a fixed-size tile, filtered and
 * grouped. Tiles have one height, so the grid knows every row's offset and
 * renders only the rows near the viewport; a 1,000-variant board keeps a few
 * dozen tiles (and thumbnail requests) in the page instead of 1,000.
 */
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

  private readonly route = inject(ActivatedRoute);
  private readonly api = inject(ShotmatrixApi);
  protected readonly session = inject(Session);
  private readonly destroyRef = inject(DestroyRef);
  private readonly grid = viewChild.required<ElementRef<HTMLElement>>('grid');
  private readonly panel = viewChild.required<ElementRef<HTMLElement>>('panel');

  protected readonly filter = signal<BoardFilter>(NO_FILTER);
  /** The dimension to group by; '' groups nothing. */
  protected readonly groupBy = signal('market');
  /** The grid's width and the part of it near the viewport, measured after render. */
  private readonly width = signal(0);
  private readonly range = signal<RenderWindow | null>(null, { equal: sameWindow });

  protected readonly counts = computed(() => countByStatus(this.variants()));
  protected readonly dimensions = computed(() => boardDimensions(this.variants()), { equal: sameList });
  protected readonly facets = computed(() => facetCounts(this.variants(), this.filter()));
  protected readonly markets = computed(() => marketOptions(this.variants(), this.matrix(), this.filter(), this.facets()));
  protected readonly filtered = computed(() => isFiltered(this.filter()));
  protected readonly shown = computed(() => filterVariants(this.variants(), this.filter()));
  /** Falls back to no grouping when the chosen dimension leaves the matrix. */
  protected readonly activeGroupBy = computed(() => {
    const by = this.groupBy();
    return by && this.dimensions().includes(by) ? by : null;
  });
  protected readonly groups = computed(() => groupVariants(this.shown(), this.matrix(), this.activeGroupBy()));
  protected readonly layout = computed(() => (this.width() > 0 ? boardLayout(this.width()) : null));
  protected readonly board = computed(() => {
    const layout = this.layout();
    return layout ? boardRows(this.groups(), layout, this.activeGroupBy() !== null) : null;
  });
  protected readonly rows = computed(
    () => {
      const board = this.board();
      const range = this.range();
      return board && range ? rowsToRender(board, range, this.shown().length) : [];
    },
    { equal: sameRows },
  );
  /** Set once the grid has been measured and its first rows are in the DOM (the board benchmark waits for it). */
  protected readonly painted = computed(() => this.board() !== null && this.range() !== null);

  /** Shown cells this reviewer may approve in one go (none for people who do not decide). */
  protected readonly approvable = computed(() => bulkApprovable(this.shown(), (market) => this.session.can('variant:decide', market)));
  protected readonly approving = signal(false);
  protected readonly bulkMessage = signal<{ kind: 'ok' | 'error'; text: string } | null>(null);

  protected readonly streamText = computed(() => STREAM_TEXT[this.streamState()]);
  protected readonly statuses = STATUSES;
  protected readonly qcResults = QC_RESULTS;
  protected readonly statusText = STATUS_TEXT;
  protected readonly qcText = QC_TEXT;
  protected readonly metaHeight = BOARD_METRICS.metaHeight;
  protected readonly percent = percent;
  protected readonly coords = cellCoords;
  protected readonly approval = approvalChip;

  constructor() {
    // `#board` in the URL jumps past the master and the matrix editor to the board, once it has its height.
    let jumped = false;
    afterRenderEffect(() => {
      if (jumped || !this.painted()) return;
      jumped = true;
      if (this.route.snapshot.fragment === 'board') this.panel().nativeElement.scrollIntoView({ block: 'start' });
    });
    afterNextRender(() => {
      const el = this.grid().nativeElement;
      let frame = 0;
      const measure = () => {
        frame = 0;
        this.width.set(el.clientWidth);
        this.range.set(renderWindow(el.getBoundingClientRect().top, window.innerHeight));
      };
      const schedule = () => {
        frame ||= requestAnimationFrame(measure);
      };
      measure();
      window.addEventListener('scroll', schedule, { passive: true });
      window.addEventListener('resize', schedule, { passive: true });
      // The grid moves without a scroll when anything above it grows (the matrix editor, the master's analysis).
      const resize = new ResizeObserver(schedule);
      resize.observe(el);
      resize.observe(document.body);
      this.destroyRef.onDestroy(() => {
        cancelAnimationFrame(frame);
        window.removeEventListener('scroll', schedule);
        window.removeEventListener('resize', schedule);
        resize.disconnect();
      });
    });
  }

  protected toggleMarket(code: string): void {
    this.filter.update((f) => toggleMarket(f, code));
  }

  protected allMarkets(): void {
    this.filter.update((f) => ({ ...f, markets: [] }));
  }

  protected setStatus(event: Event): void {
    const value = eventValue(event);
    this.filter.update((f) => ({ ...f, status: STATUSES.includes(value as VariantStatus) ? (value as VariantStatus) : null }));
  }

  protected setQc(event: Event): void {
    const value = eventValue(event);
    this.filter.update((f) => ({ ...f, qc: QC_RESULTS.includes(value as QcResult) ? (value as QcResult) : null }));
  }

  protected setGroupBy(event: Event): void {
    this.groupBy.set(eventValue(event));
  }

  /** Approves every approvable shown cell; the board updates from the event stream. */
  protected approveShown(): void {
    const cells = this.approvable();
    if (!cells.length || this.approving()) return;
    if (!window.confirm(`Approve ${cells.length} variant${cells.length === 1 ? '' : 's'} as shown? Each decision is recorded under your name.`)) return;
    this.approving.set(true);
    this.bulkMessage.set(null);
    this.api.approveMany(this.variants()[0].campaignId, cells, newIdempotencyKey()).subscribe({
      next: (r) => {
        this.approving.set(false);
        this.bulkMessage.set({ kind: 'ok', text: `Approved ${r.decided} variant${r.decided === 1 ? '' : 's'}.` });
      },
      error: (err: unknown) => {
        this.approving.set(false);
        this.bulkMessage.set({ kind: 'error', text: `Nothing was approved: ${describeApiError(err)}` });
      },
    });
  }

  protected clearFilters(): void {
    this.filter.set(NO_FILTER);
  }

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
