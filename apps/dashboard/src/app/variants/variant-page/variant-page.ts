import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, effect, inject, input, signal } from '@angular/core';
import { Title } from '@angular/platform-browser';
import { RouterLink } from '@angular/router';
import type { VariantView } from '@shotmatrix/contracts';
import { ErrorBanner } from '../../core/error-banner';
import { ShotmatrixApi } from '../../core/shotmatrix-api';
import { CampaignStream, openCampaignStream } from '../../campaigns/campaign-events';
import { formatCount, formatSeconds, shortKey } from '../../shared/format';
import { StatusChip } from '../../shared/status-chip';
import { approvalChip, cellCoords } from '../../campaigns/live-variants';

@Component({
  selector: 'app-variant-page',
  imports: [RouterLink, DatePipe, StatusChip],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './variant-page.html',
  styleUrl: './variant-page.css',
})
export class VariantPage {
  private readonly api = inject(ShotmatrixApi);
  private readonly errors = inject(ErrorBanner);
  private readonly title = inject(Title);

  /** Route parameter `:id` (component input binding). */
  readonly id = input.required<string>();

  protected readonly variant = signal<VariantView | null>(null);
  protected readonly loading = signal(true);

  protected readonly formatSeconds = formatSeconds;
  protected readonly formatCount = formatCount;
  protected readonly shortKey = shortKey;
  protected readonly coords = cellCoords;
  protected readonly approval = approvalChip;

  protected caption(v: VariantView): string {
    return cellCoords(v)
      .map((c) => c.code)
      .join(' / ');
  }

  constructor() {
    effect((onCleanup) => {
      const id = this.id();
      this.variant.set(null);
      this.loading.set(true);
      let stream: CampaignStream | null = null;

      const request = this.api.getVariant(id).subscribe({
        next: (variant) => {
          this.loading.set(false);
          this.variant.set(variant);
          this.title.setTitle(`${this.caption(variant)} · Shotmatrix`);
          // Follow the render while it is still going; the campaign stream carries this variant's changes.
          if (variant.status === 'queued' || variant.status === 'rendering') {
            stream = openCampaignStream(
              this.api.eventsUrl(variant.campaignId),
              (event) => {
                const next =
                  event.type === 'variant'
                    ? event.variant.id === id
                      ? event.variant
                      : null
                    : event.type === 'snapshot'
                      ? (event.variants.find((v) => v.id === id) ?? null)
                      : null;
                if (next) this.variant.set(next);
                if (next && (next.status === 'done' || next.status === 'failed')) stream?.close();
              },
              () => undefined,
            );
          }
        },
        error: (err: unknown) => {
          this.loading.set(false);
          this.errors.show(err);
        },
      });
      onCleanup(() => {
        request.unsubscribe();
        stream?.close();
      });
    });
  }
}
