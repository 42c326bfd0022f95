import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, DestroyRef, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { Router, RouterLink } from '@angular/router';
import type { AuditEntryView } from '@shotmatrix/contracts';
import { describeApiError } from '../../core/api-error';
import { eventValue } from '../../shared/dom';
import { shortKey } from '../../shared/format';
import { AdminApi, type AuditQuery } from '../admin-api';
import { describeField, prettyJson, summarizeChange } from '../audit-diff';

const PAGE_SIZE = 50;

@Component({
  selector: 'app-audit-page',
  imports: [DatePipe, RouterLink],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './audit-page.html',
  styleUrl: './audit-page.css',
})
export class AuditPage {
  private readonly api = inject(AdminApi);
  private readonly router = inject(Router);
  private readonly destroyRef = inject(DestroyRef);

  /** Query parameters, so a filtered log can be linked to (e.g. from a campaign). */
  readonly campaign = input<string | undefined>(undefined);
  readonly entity = input<string | undefined>(undefined);

  protected readonly campaignText = signal('');
  protected readonly entityText = signal('');

  protected readonly entries = signal<AuditEntryView[]>([]);
  protected readonly loading = signal(true);
  protected readonly loadingOlder = signal(false);
  protected readonly hasOlder = signal(false);
  protected readonly error = signal<string | null>(null);

  protected readonly rows = computed(() =>
    this.entries().map((entry) => {
      const summary = summarizeChange(entry.before, entry.after);
      return { entry, summary, lines: summary.fields.map(describeField) };
    }),
  );
  protected readonly filtered = computed(() => Boolean(this.campaign() || this.entity()));

  protected readonly eventValue = eventValue;
  protected readonly shortKey = shortKey;
  protected readonly prettyJson = prettyJson;

  constructor() {
    effect((onCleanup) => {
      const query = this.query();
      untracked(() => {
        this.campaignText.set(query.campaign ?? '');
        this.entityText.set(query.entity ?? '');
        this.entries.set([]);
        this.hasOlder.set(false);
        this.loading.set(true);
        this.error.set(null);
      });
      const request = this.api.listAudit({ ...query, limit: PAGE_SIZE }).subscribe({
        next: (page) => {
          this.loading.set(false);
          this.entries.set(page);
          this.hasOlder.set(page.length === PAGE_SIZE);
        },
        error: (err: unknown) => {
          this.loading.set(false);
          this.error.set(describeApiError(err));
        },
      });
      onCleanup(() => request.unsubscribe());
    });
  }

  protected applyFilter(event: Event): void {
    event.preventDefault();
    const campaign = this.campaignText().trim();
    const entity = this.entityText().trim();
    void this.router.navigate([], {
      queryParams: { campaign: campaign || null, entity: entity || null },
      queryParamsHandling: 'merge',
    });
  }

  protected older(): void {
    const last = this.entries().at(-1);
    if (!last || this.loadingOlder()) return;
    this.loadingOlder.set(true);
    this.error.set(null);
    this.api
      .listAudit({ ...this.query(), before: last.id, limit: PAGE_SIZE })
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (page) => {
          this.loadingOlder.set(false);
          this.entries.update((list) => [...list, ...page]);
          this.hasOlder.set(page.length === PAGE_SIZE);
        },
        error: (err: unknown) => {
          this.loadingOlder.set(false);
          this.error.set(describeApiError(err));
        },
      });
  }

  private query(): AuditQuery {
    return { campaign: this.campaign()?.trim() || undefined, entity: this.entity()?.trim() || undefined };
  }
}
