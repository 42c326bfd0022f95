import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, DestroyRef, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { concatMap, from } from 'rxjs';
import { Router, RouterLink } from '@angular/router';
import type { CampaignSummaryView } from '@shotmatrix/contracts';
import { ErrorBanner } from '../../core/error-banner';
import { campaignFileType, newIdempotencyKey } from '../../core/request-headers';
import { ShotmatrixApi } from '../../core/shotmatrix-api';
import { eventFile, eventValue } from '../../shared/dom';
import { percent } from '../../shared/format';

@Component({
  selector: 'app-campaign-list',
  imports: [RouterLink, DatePipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './campaign-list.html',
  styleUrl: './campaign-list.css',
})
export class CampaignList {
  private readonly api = inject(ShotmatrixApi);
  private readonly errors = inject(ErrorBanner);
  private readonly router = inject(Router);
  private readonly destroyRef = inject(DestroyRef);

  protected readonly campaigns = signal<CampaignSummaryView[]>([]);
  protected readonly loading = signal(true);
  protected readonly newName = signal('');
  protected readonly creating = signal(false);
  protected readonly importing = signal(false);
  protected readonly percent = percent;
  protected readonly eventValue = eventValue;

  constructor() {
    this.api
      .listCampaigns()
      .pipe(takeUntilDestroyed())
      .subscribe({
        next: (list) => {
          this.campaigns.set([...list].sort((a, b) => b.createdAt.localeCompare(a.createdAt)));
          this.loading.set(false);
        },
        error: (err: unknown) => {
          this.loading.set(false);
          this.errors.show(err);
        },
      });
  }

  protected create(event: Event): void {
    event.preventDefault();
    const name = this.newName().trim();
    if (!name || this.creating()) return;
    this.creating.set(true);
    this.errors.clear();
    this.api
      .createCampaign(name, newIdempotencyKey())
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (campaign) => void this.router.navigate(['/campaigns', campaign.id]),
        error: (err: unknown) => {
          this.creating.set(false);
          this.errors.show(err);
        },
      });
  }

  /** A campaign file (YAML or JSON) becomes a new campaign; the producer lands on it. */
  protected importFile(event: Event): void {
    const file = eventFile(event);
    const inputEl = event.target as HTMLInputElement;
    inputEl.value = '';
    if (!file || this.importing()) return;
    const type = campaignFileType(file.name);
    if (!type) {
      this.errors.showText(`“${file.name}” is not a campaign file: choose a .yaml, .yml or .json file.`);
      return;
    }
    this.importing.set(true);
    this.errors.clear();
    const key = newIdempotencyKey();
    from(file.text())
      .pipe(
        concatMap((text) => this.api.importCampaign(text, type, key)),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe({
        next: (campaign) => void this.router.navigate(['/campaigns', campaign.id]),
        error: (err: unknown) => {
          this.importing.set(false);
          this.errors.show(err);
        },
      });
  }
}
