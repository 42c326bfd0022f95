import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, DestroyRef, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { Router, RouterLink } from '@angular/router';
import type { CampaignSummaryView } from '@shotmatrix/contracts';
import { ErrorBanner } from '../../core/error-banner';
import { ShotmatrixApi } from '../../core/shotmatrix-api';
import { eventValue } from '../../shared/dom';
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
      .createCampaign(name)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (campaign) => void this.router.navigate(['/campaigns', campaign.id]),
        error: (err: unknown) => {
          this.creating.set(false);
          this.errors.show(err);
        },
      });
  }
}
