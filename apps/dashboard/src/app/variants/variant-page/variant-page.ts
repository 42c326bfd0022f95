import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, effect, inject, input, signal } from '@angular/core';
import { Title } from '@angular/platform-browser';
import { RouterLink } from '@angular/router';
import type { QcCheck, VariantView } from '@shotmatrix/contracts';
import { ErrorBanner } from '../../core/error-banner';
import { ShotmatrixApi } from '../../core/shotmatrix-api';
import { CampaignStream, openCampaignStream } from '../../campaigns/campaign-events';
import { formatCount, formatSeconds, shortKey } from '../../shared/format';
import { StatusChip } from '../../shared/status-chip';
import { approvalChip, cellCoords } from '../../campaigns/live-variants';

const DELIVERABLE_LABEL: Record<string, string> = {
  master: 'Master — H.264, up to 1080p',
  draft: 'Draft — H.264, up to 540p',
  prores: 'ProRes 422 HQ',
  hdr10: 'HDR10 — HEVC Main10, PQ',
  exr: 'EXR frame 0 (half float, linear; the sequence is numbered beside it)',
};

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
  protected readonly checkText: Record<QcCheck['status'], string> = { pass: 'Pass', fail: 'Fail', 'not-checked': 'Not checked' };
  protected readonly checkName: Record<QcCheck['name'], string> = {
    frames: 'Frame count',
    fps: 'Frame rate',
    duration: 'Duration',
    'foreground-ssim': 'Subject vs master (SSIM)',
    'lock-keyframes': 'Lock keyframes',
    'copy-ocr': 'Copy (OCR)',
    'legal-line': 'Legal line on screen',
    'safe-areas': 'Safe areas',
  };

  /** Every deliverable of the render, the playable master first. */
  protected deliverables(v: VariantView): Array<{ kind: string; label: string; url: string }> {
    const order = ['master', 'draft', 'prores', 'hdr10', 'exr'];
    return Object.entries(v.outputs ?? {})
      .sort(([a], [b]) => order.indexOf(a) - order.indexOf(b))
      .map(([kind, url]) => ({ kind, url, label: DELIVERABLE_LABEL[kind] ?? kind }));
  }
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
