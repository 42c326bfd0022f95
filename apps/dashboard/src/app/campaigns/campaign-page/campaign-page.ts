import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, effect, inject, input, signal } from '@angular/core';
import { Title } from '@angular/platform-browser';
import { RouterLink } from '@angular/router';
import type { CampaignView, PlateView, VariantView } from '@shotmatrix/contracts';
import { ErrorBanner } from '../../core/error-banner';
import { ShotmatrixApi } from '../../core/shotmatrix-api';
import { StreamState, openCampaignStream } from '../campaign-events';
import { applyCampaignEvent, replaceVariants } from '../live-variants';
import { MasterShot } from '../master-shot/master-shot';
import { MatrixEditor } from '../matrix-editor/matrix-editor';
import { VariantGrid } from '../variant-grid/variant-grid';

@Component({
  selector: 'app-campaign-page',
  imports: [RouterLink, DatePipe, MasterShot, MatrixEditor, VariantGrid],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './campaign-page.html',
  styleUrl: './campaign-page.css',
})
export class CampaignPage {
  private readonly api = inject(ShotmatrixApi);
  private readonly errors = inject(ErrorBanner);
  private readonly title = inject(Title);

  /** Route parameter `:id` (component input binding). */
  readonly id = input.required<string>();

  protected readonly campaign = signal<CampaignView | null>(null);
  /** Kept apart from the campaign: the event stream updates it tile by tile. */
  protected readonly variants = signal<VariantView[]>([]);
  protected readonly loading = signal(true);
  protected readonly streamState = signal<StreamState>('connecting');

  constructor() {
    effect((onCleanup) => {
      const id = this.id();
      this.campaign.set(null);
      this.variants.set([]);
      this.loading.set(true);

      const request = this.api.getCampaign(id).subscribe({
        next: (campaign) => {
          this.loading.set(false);
          this.setCampaign(campaign);
        },
        error: (err: unknown) => {
          this.loading.set(false);
          this.errors.show(err);
        },
      });
      const stream = openCampaignStream(
        this.api.eventsUrl(id),
        (event) => {
          // The master's analysis moves on (stage, progress) without a reload.
          if (event.type === 'master') this.campaign.update((c) => (c && c.master?.id === event.master.id ? { ...c, master: event.master } : c));
          else this.variants.update((current) => applyCampaignEvent(current, event));
        },
        (state) => this.streamState.set(state),
      );
      onCleanup(() => {
        request.unsubscribe();
        stream.close();
      });
    });
  }

  protected setCampaign(campaign: CampaignView): void {
    this.campaign.set(campaign);
    this.variants.update((current) => replaceVariants(current, campaign.variants));
    this.title.setTitle(`${campaign.name} · Shotmatrix`);
  }

  protected addPlate(plate: PlateView): void {
    this.campaign.update((c) => (c && !c.plates.some((p) => p.id === plate.id) ? { ...c, plates: [...c.plates, plate] } : c));
  }
}
