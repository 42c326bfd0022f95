import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal } from '@angular/core';
import { Title } from '@angular/platform-browser';
import { RouterLink } from '@angular/router';
import type { CommentThreadView, MasterShotView, VariantVersionView, VariantView } from '@shotmatrix/contracts';
import { Session } from '../../auth/session';
import { ErrorBanner } from '../../core/error-banner';
import { ShotmatrixApi } from '../../core/shotmatrix-api';
import { CampaignStream, openCampaignStream } from '../../campaigns/campaign-events';
import { formatCount, formatSeconds, shortKey } from '../../shared/format';
import { StatusChip } from '../../shared/status-chip';
import { approvalChip, cellCoords } from '../../campaigns/live-variants';
import { CommentsPanel } from '../comments-panel/comments-panel';
import { DecisionBar } from '../decision-bar/decision-bar';
import { reviewFps } from '../player-frames';
import { QcPanel } from '../qc-panel/qc-panel';
import { RerenderPanel } from '../rerender-panel/rerender-panel';
import type { Region } from '../region';
import { commentTicks, markersAtFrame, orderThreads } from '../review-comments';
import { type PlayerMode, type PlayerSource, ReviewPlayer } from '../review-player/review-player';
import { type ComparePair, versionLabel } from '../versions';
import { VersionsPanel } from '../versions-panel/versions-panel';

const DELIVERABLE_LABEL: Record<string, string> = {
  master: 'Master — H.264, up to 1080p',
  draft: 'Draft — H.264, up to 540p',
  prores: 'ProRes 422 HQ',
  hdr10: 'HDR10 — HEVC Main10, PQ',
  exr: 'EXR frame 0 (half float, linear; the sequence is numbered beside it)',
};

/**
 * Review of one variant: the render against the master (or two versions
 * against each other) frame by frame, its QC, comments pinned to frames, the
 * market's decision and the versions it has had.
 */
@Component({
  selector: 'app-variant-page',
  imports: [RouterLink, DatePipe, StatusChip, ReviewPlayer, QcPanel, CommentsPanel, DecisionBar, VersionsPanel, RerenderPanel],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './variant-page.html',
  styleUrl: './variant-page.css',
})
export class VariantPage {
  private readonly api = inject(ShotmatrixApi);
  private readonly errors = inject(ErrorBanner);
  private readonly title = inject(Title);
  private readonly session = inject(Session);

  /** Route parameter `:id` (component input binding). */
  readonly id = input.required<string>();

  protected readonly variant = signal<VariantView | null>(null);
  protected readonly loading = signal(true);
  protected readonly master = signal<MasterShotView | null>(null);
  protected readonly threads = signal<CommentThreadView[]>([]);
  protected readonly commentsLoading = signal(false);
  protected readonly versions = signal<VariantVersionView[]>([]);
  protected readonly versionsLoading = signal(false);

  protected readonly frame = signal(0);
  /** Bumped after a re-render is queued: the page loads the variant's new version and follows it. */
  protected readonly reloads = signal(0);
  /** Survives the reload a re-render causes, so the producer sees what happened. */
  protected readonly rerenderNote = signal<string | null>(null);
  private shownId: string | null = null;
  protected readonly canEdit = computed(() => this.session.can('campaign:write'));
  protected readonly mode = signal<PlayerMode>('wipe');
  protected readonly drawing = signal(false);
  protected readonly pendingRegion = signal<Region | null>(null);
  protected readonly comparing = signal<ComparePair | null>(null);

  protected readonly fps = computed(() => {
    const v = this.variant();
    return reviewFps(this.master()?.fps, v?.frameCount, v?.durationS);
  });
  protected readonly frameCount = computed(() => this.variant()?.frameCount ?? this.master()?.frameCount ?? 0);

  /** What the player shows: the variant over the master, or two versions. */
  protected readonly sources = computed<{ primary: PlayerSource; secondary: PlayerSource | null; title: string } | null>(() => {
    const v = this.variant();
    if (!v) return null;
    const pair = this.comparing();
    if (pair) {
      const a = this.versions().find((x) => x.version === pair.a);
      const b = this.versions().find((x) => x.version === pair.b);
      if (a?.outputUrl && b?.outputUrl) {
        return {
          primary: { src: a.outputUrl, label: `v${a.version}`, poster: a.thumbnailUrl, testId: 'compare-a-video' },
          secondary: { src: b.outputUrl, label: `v${b.version}`, poster: b.thumbnailUrl, testId: 'compare-b-video' },
          title: `Comparing ${versionLabel(a)} with ${versionLabel(b)}`,
        };
      }
    }
    if (!v.outputUrl) return null;
    const m = this.master();
    const masterSrc = m ? (m.analysis?.proxyUrl ?? m.url) : null;
    return {
      primary: { src: v.outputUrl, label: 'Variant', poster: v.thumbnailUrl, testId: 'variant-video' },
      secondary: masterSrc ? { src: masterSrc, label: 'Master', poster: m?.thumbnailUrl ?? null, testId: 'master-video' } : null,
      title: masterSrc ? 'Variant against the master' : 'Variant',
    };
  });

  protected readonly ordered = computed(() => orderThreads(this.threads()));
  protected readonly markers = computed(() => markersAtFrame(this.ordered(), this.frame()));
  protected readonly ticks = computed(() => commentTicks(this.threads()));
  protected readonly canComment = computed(() => {
    const v = this.variant();
    return !!v && this.session.can('variant:comment', v.market);
  });
  protected readonly cannotCommentNote = computed(() => {
    const v = this.variant();
    const who = this.session.user();
    if (!v || !who || this.canComment()) return null;
    return who.role === 'brand-manager' && who.permissions.includes('variant:comment')
      ? `Brand managers comment on their own markets; this is market ${v.market}.`
      : 'Your role can read comments but not write them.';
  });

  protected readonly checkedVersion = computed(() => this.versions().find((x) => x.current) ?? null);

  /** Every deliverable of the render, the playable master first. */
  protected deliverables(v: VariantView): Array<{ kind: string; label: string; url: string }> {
    const order = ['master', 'draft', 'prores', 'hdr10', 'exr'];
    return Object.entries(v.outputs ?? {})
      .sort(([a], [b]) => order.indexOf(a) - order.indexOf(b))
      .map(([kind, url]) => ({ kind, url, label: DELIVERABLE_LABEL[kind] ?? kind }));
  }

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
    // The decision bar and the comment form follow who is signed in; the route guard has usually asked already.
    this.session.ensureLoaded().subscribe({ error: () => undefined });

    effect((onCleanup) => {
      const id = this.id();
      this.reloads();
      if (id !== this.shownId) this.rerenderNote.set(null);
      this.shownId = id;
      this.variant.set(null);
      this.master.set(null);
      this.threads.set([]);
      this.versions.set([]);
      this.comparing.set(null);
      this.frame.set(0);
      this.pendingRegion.set(null);
      this.drawing.set(false);
      this.loading.set(true);
      let stream: CampaignStream | null = null;

      const request = this.api.getVariant(id).subscribe({
        next: (variant) => {
          this.loading.set(false);
          this.variant.set(variant);
          this.title.setTitle(`${this.caption(variant)} · Shotmatrix`);
          this.loadMaster(variant.campaignId);
          this.loadComments();
          this.loadVersions();
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
                if (next && (next.status === 'done' || next.status === 'failed')) {
                  stream?.close();
                  this.loadVersions();
                }
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

  protected rerendered(): void {
    this.rerenderNote.set('Saved: this cell is rendering as a new version; this page follows it.');
    this.reloads.update((n) => n + 1);
  }

  /** The variant as the API has it now (after a conflicting decision). */
  protected reloadVariant(): void {
    const id = this.id();
    this.api.getVariant(id).subscribe({
      next: (v) => {
        if (v.id === this.id()) this.variant.set(v);
        this.loadVersions();
      },
      error: (err: unknown) => this.errors.show(err),
    });
  }

  protected decided(v: VariantView): void {
    this.variant.set(v);
    // A rejection's reason is also a comment on its frame.
    this.loadComments();
    this.loadVersions();
  }

  protected loadComments(): void {
    const id = this.id();
    this.commentsLoading.set(true);
    this.api.getComments(id).subscribe({
      next: (threads) => {
        if (id !== this.id()) return;
        this.commentsLoading.set(false);
        this.threads.set(threads);
      },
      error: (err: unknown) => {
        this.commentsLoading.set(false);
        this.errors.show(err);
      },
    });
  }

  private loadVersions(): void {
    const id = this.id();
    this.versionsLoading.set(true);
    this.api.getVersions(id).subscribe({
      next: (versions) => {
        if (id !== this.id()) return;
        this.versionsLoading.set(false);
        this.versions.set(versions);
      },
      error: (err: unknown) => {
        this.versionsLoading.set(false);
        this.errors.show(err);
      },
    });
  }

  // Without the master the page still reviews the variant on its own.
  private loadMaster(campaignId: string): void {
    this.api.getMaster(campaignId).subscribe({
      next: (m) => {
        if (this.variant()?.campaignId === campaignId) this.master.set(m);
      },
      error: () => this.master.set(null),
    });
  }

  protected regionDrawn(region: Region): void {
    this.pendingRegion.set(region);
    this.drawing.set(false);
  }

  protected startCompare(pair: ComparePair): void {
    this.comparing.set(pair);
    this.drawing.set(false);
  }
}
