import { ChangeDetectionStrategy, Component, computed, DestroyRef, effect, inject, input, signal, untracked } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { RouterLink } from '@angular/router';
import type { CameraMotionTrack, Keyframe, KeyframesView, MasterShotView, PlaneTrack, Quad } from '@shotmatrix/contracts';
import { type ApiProblem, describeApiProblem, isVersionConflict } from '../../core/api-error';
import { ErrorBanner } from '../../core/error-banner';
import { ShotmatrixApi } from '../../core/shotmatrix-api';
import { openCampaignStream, type StreamState } from '../../campaigns/campaign-events';
import { AnalysisSummary } from '../analysis-summary/analysis-summary';
import { shotGeometry } from '../analysis-text';
import { FrameImages } from '../frame-images';
import { FrameScrubber } from '../frame-scrubber/frame-scrubber';
import { FrameViewer, type QuadEdit, type SpritePreview, type TrackedQuad } from '../frame-viewer/frame-viewer';
import { cameraPath, pathRuns } from '../homography';
import { describeKeyframe, keyframeTicks, labelQuadsAt, sameKeyframes, setLabelQuad } from '../keyframe-edits';
import { KeyframesPanel } from '../keyframes-panel/keyframes-panel';
import type { LeavesSafely } from '../leave-guard';
import { clampFrame, formatTimecode, neighbourFrames, spriteTileForFrame } from '../timecode';

/** Frames are asked for at most this wide: sharp in the viewer, cheap for the API to cut. */
const FRAME_WIDTH = 1280;
/** Wait this long after the last slider move (or key repeat) before asking for an exact frame. */
const DRAG_DEBOUNCE_MS = 120;
const STEP_DEBOUNCE_MS = 40;

interface Shown {
  frame: number;
  src: string;
  matteSrc: string | null;
}

/**
 * The master shot page (`campaigns/:id/master`): exact frames with overlays,
 * a frame-accurate scrubber, and the keyframe editor. The analysis and plane
 * tracks follow the campaign's event stream; nothing here polls.
 */
@Component({
  selector: 'app-master-page',
  imports: [RouterLink, AnalysisSummary, FrameViewer, FrameScrubber, KeyframesPanel],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './master-page.html',
  styleUrl: './master-page.css',
  host: {
    '(document:keydown)': 'onKey($event)',
    '(window:beforeunload)': 'onBeforeUnload($event)',
  },
})
export class MasterPage implements LeavesSafely {
  private readonly api = inject(ShotmatrixApi);
  private readonly errors = inject(ErrorBanner);
  private readonly destroyRef = inject(DestroyRef);
  private readonly images = new FrameImages(() => new Image());

  /** Route parameter `:id`: the campaign (component input binding). */
  readonly id = input.required<string>();

  protected readonly master = signal<MasterShotView | null>(null);
  protected readonly loading = signal(true);
  protected readonly streamState = signal<StreamState>('connecting');

  protected readonly saved = signal<KeyframesView | null>(null);
  protected readonly draft = signal<Keyframe[]>([]);
  protected readonly saving = signal(false);
  protected readonly saveProblem = signal<ApiProblem | null>(null);
  protected readonly conflict = signal(false);
  protected readonly retracked = signal<string[]>([]);
  protected readonly dirty = computed(() => {
    const s = this.saved();
    return s !== null && !sameKeyframes(this.draft(), s.keyframes);
  });

  protected readonly frame = signal(0);
  protected readonly dragging = signal(false);
  protected readonly showMatte = signal(false);
  protected readonly showPath = signal(true);
  protected readonly showTracks = signal(true);
  private readonly shown = signal<Shown | null>(null);
  protected readonly frameError = signal<string | null>(null);

  private readonly cameraTrack = signal<{ url: string; track: CameraMotionTrack } | null>(null);
  /** Plane tracks by their URL (a re-tracked plane gets a new one). */
  private readonly planeTracks = signal<ReadonlyMap<string, PlaneTrack>>(new Map());

  protected readonly analysis = computed(() => this.master()?.analysis ?? null);
  protected readonly analysed = computed(() => this.analysis()?.status === 'done');
  protected readonly geometry = computed(
    () => {
      const m = this.master();
      return m ? shotGeometry(m) : { width: 16, height: 9, fps: 25, frameCount: 1 };
    },
    { equal: (a, b) => a.width === b.width && a.height === b.height && a.fps === b.fps && a.frameCount === b.frameCount },
  );
  /** Stream events arrive often while the analysis runs; these change only when there is something new to fetch. */
  private readonly cameraMotionUrl = computed(() => this.analysis()?.cameraMotionUrl ?? null);
  private readonly trackUrls = computed(
    () => (this.analysis()?.planes ?? []).flatMap((p) => (p.status === 'done' && p.trackUrl ? [p.trackUrl] : [])),
    { equal: (a, b) => a.join('\n') === b.join('\n') },
  );
  private readonly failedTracks = new Set<string>();
  protected readonly pathError = signal<string | null>(null);
  protected readonly timecode = computed(() => formatTimecode(this.frame(), this.geometry().fps));
  protected readonly ticks = computed(() => keyframeTicks(this.draft()));
  protected readonly matteKeyframes = computed(() => this.analysis()?.matteKeyframes ?? []);

  protected readonly path = computed(() => {
    const t = this.cameraTrack();
    const g = this.geometry();
    return t ? cameraPath(t.track, g.width, g.height) : [];
  });
  protected readonly runs = computed(() => pathRuns(this.path()));
  protected readonly pathPoint = computed(() => this.path().find((p) => p.frame === this.frame()) ?? null);

  /** Where every tracked plane is on the current frame; a lost plane (null quad) shows nothing. */
  protected readonly tracked = computed((): TrackedQuad[] => {
    const tracks = this.planeTracks();
    const frame = this.frame();
    return (this.analysis()?.planes ?? []).flatMap((p) => {
      const f = p.status === 'done' && p.trackUrl ? tracks.get(p.trackUrl)?.frames[frame] : undefined;
      return f?.quad ? [{ plane: p.plane, quad: f.quad, confidence: f.confidence }] : [];
    });
  });
  protected readonly trackedByPlane = computed(() => new Map<string, Quad>(this.tracked().map((t) => [t.plane, t.quad])));
  protected readonly editable = computed(() => labelQuadsAt(this.draft(), this.frame()));

  protected readonly badges = computed(() => {
    const frame = this.frame();
    const out = this.draft()
      .filter((k) => k.frame === frame && k.kind !== 'label-quad')
      .map((k) => (k.kind === 'lock' ? 'Locked frame' : describeKeyframe(k)));
    if (this.matteKeyframes().includes(frame)) out.push('IS-Net keyframe');
    return out;
  });

  protected readonly shownSrc = computed(() => this.shown()?.src ?? null);
  protected readonly shownMatte = computed(() => {
    const s = this.shown();
    return s && s.frame === this.frame() ? s.matteSrc : null;
  });
  protected readonly frameLoading = computed(() => this.analysed() && this.shown()?.frame !== this.frame());
  /** The sprite tile for the frame while the exact one is on its way (dragging, or a jump of more than one). */
  protected readonly preview = computed((): SpritePreview | null => {
    const a = this.analysis();
    if (!a?.sprite || !a.spriteUrl) return null;
    const shown = this.shown();
    const frame = this.frame();
    if (shown?.frame === frame) return null;
    // A step of one keeps the previous exact frame up for the few ms its neighbour takes.
    if (!this.dragging() && shown && Math.abs(shown.frame - frame) <= 1) return null;
    const tile = spriteTileForFrame(frame, this.geometry().fps, a.sprite);
    return { url: a.spriteUrl, size: tile.size, position: tile.position };
  });
  protected readonly viewerMessage = computed(() => {
    const a = this.analysis();
    if (this.frameError()) return this.frameError();
    if (this.pathError() && this.showPath()) return this.pathError();
    if (!a) return 'Exact frames appear once the master has been analysed.';
    if (a.status === 'failed') return 'The analysis failed, so exact frames cannot be shown.';
    if (a.status !== 'done') return 'Exact frames, the matte and the camera path appear when the analysis is done.';
    return null;
  });
  protected readonly alt = computed(() => {
    const s = this.shown();
    const m = this.master();
    return s && m ? `Frame ${s.frame} (${formatTimecode(s.frame, this.geometry().fps)}) of ${m.filename}` : '';
  });

  /** What the exact-frame loader needs; equal requests do not reload. */
  private readonly frameRequest = computed(
    () => {
      const m = this.master();
      if (!m || !this.analysed()) return null;
      const g = this.geometry();
      return {
        campaignId: this.id(),
        masterId: m.id,
        frame: clampFrame(this.frame(), g.frameCount),
        frameCount: g.frameCount,
        matte: this.showMatte() && m.analysis?.mattingMode != null,
        width: g.width > FRAME_WIDTH ? FRAME_WIDTH : undefined,
      };
    },
    {
      equal: (a, b) =>
        a === b ||
        (!!a && !!b && a.campaignId === b.campaignId && a.masterId === b.masterId && a.frame === b.frame && a.matte === b.matte && a.width === b.width),
    },
  );

  constructor() {
    // The page: master, keyframes and the live stream, per campaign.
    effect((onCleanup) => {
      const id = this.id();
      untracked(() => this.reset());
      const request = this.api.getMaster(id).subscribe({
        next: (m) => {
          this.loading.set(false);
          this.master.set(m);
        },
        error: (err: unknown) => {
          this.loading.set(false);
          this.errors.show(err);
        },
      });
      const keys = this.api.getKeyframes(id).subscribe({
        next: (k) => this.acceptKeyframes(k),
        // The master request reports the same failure (no campaign, no master).
        error: () => undefined,
      });
      let wasLive = false;
      const stream = openCampaignStream(
        this.api.eventsUrl(id),
        (event) => {
          if (event.type === 'master') this.onMasterEvent(event.master);
        },
        (state) => {
          this.streamState.set(state);
          // Events sent while the stream was down are gone: catch up once on reconnect.
          if (state === 'live' && wasLive) this.refreshMaster();
          if (state === 'live') wasLive = true;
        },
      );
      onCleanup(() => {
        request.unsubscribe();
        keys.unsubscribe();
        stream.close();
      });
    });

    // Camera motion: fetched once per analysis.
    effect((onCleanup) => {
      const url = this.cameraMotionUrl();
      if (!url || untracked(() => this.cameraTrack()?.url) === url) return;
      this.pathError.set(null);
      const sub = this.api.getAnalysisJson<CameraMotionTrack>(url).subscribe({
        next: (track) => this.cameraTrack.set({ url, track }),
        error: (err: unknown) => this.pathError.set(`The camera motion could not be loaded: ${describeApiProblem(err).message}`),
      });
      onCleanup(() => sub.unsubscribe());
    });

    // Plane tracks: each finished track once, as the stream reports them done.
    effect(() => {
      const urls = this.trackUrls();
      const have = untracked(() => this.planeTracks());
      for (const url of urls) {
        if (have.has(url) || this.failedTracks.has(url)) continue;
        this.api
          .getAnalysisJson<PlaneTrack>(url)
          .pipe(takeUntilDestroyed(this.destroyRef))
          .subscribe({
            next: (track) => this.planeTracks.update((m) => new Map(m).set(url, track)),
            // Not asked for again: a finished track's URL never starts working later.
            error: () => this.failedTracks.add(url),
          });
      }
    });

    // The exact frame (and matte), debounced while the slider is dragged or a key repeats.
    effect((onCleanup) => {
      const req = this.frameRequest();
      if (!req) return;
      const dragging = this.dragging();
      const url = (n: number, layer: 'frame' | 'matte') => this.api.masterFrameUrl(req.campaignId, n, layer, req.width);
      const frameUrl = url(req.frame, 'frame');
      const matteUrl = req.matte ? url(req.frame, 'matte') : null;
      let cancelled = false;
      const load = () => {
        Promise.all([this.images.load(frameUrl), matteUrl ? this.images.load(matteUrl) : null]).then(
          () => {
            if (cancelled) return;
            this.shown.set({ frame: req.frame, src: frameUrl, matteSrc: matteUrl });
            this.frameError.set(null);
          },
          () => {
            if (!cancelled) this.frameError.set(`Frame ${req.frame} could not be loaded from the API. Step away and back to retry.`);
          },
        );
        const next = neighbourFrames(req.frame, req.frameCount);
        this.images.prefetch(next.flatMap((n) => (req.matte ? [url(n, 'frame'), url(n, 'matte')] : [url(n, 'frame')])));
      };
      const ready = this.images.isLoaded(frameUrl) && (!matteUrl || this.images.isLoaded(matteUrl));
      if (ready) {
        load();
      } else {
        const t = setTimeout(load, dragging ? DRAG_DEBOUNCE_MS : STEP_DEBOUNCE_MS);
        onCleanup(() => clearTimeout(t));
      }
      onCleanup(() => (cancelled = true));
    });
  }

  canLeave(): boolean {
    return !this.dirty() || window.confirm('The keyframes have unsaved changes. Leave and drop them?');
  }

  protected onBeforeUnload(event: BeforeUnloadEvent): void {
    if (!this.dirty()) return;
    event.preventDefault();
    // Older browsers only ask when returnValue is set.
    event.returnValue = '';
  }

  /** ← / → step one frame, with Shift ten, wherever focus is except in text boxes. */
  protected onKey(event: KeyboardEvent): void {
    if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    const t = event.target as HTMLElement | null;
    const typing =
      t instanceof HTMLTextAreaElement ||
      t instanceof HTMLSelectElement ||
      t?.isContentEditable ||
      (t instanceof HTMLInputElement && t.type !== 'range' && t.type !== 'checkbox' && t.type !== 'button');
    if (typing || !this.master()) return;
    event.preventDefault();
    const step = (event.shiftKey ? 10 : 1) * (event.key === 'ArrowLeft' ? -1 : 1);
    this.goTo(this.frame() + step);
  }

  protected goTo(frame: number): void {
    this.frame.set(clampFrame(frame, this.geometry().frameCount));
  }

  protected toggle(which: 'matte' | 'path' | 'tracks', event: Event): void {
    const on = (event.target as HTMLInputElement).checked;
    ({ matte: this.showMatte, path: this.showPath, tracks: this.showTracks })[which].set(on);
  }

  protected editKeyframes(list: Keyframe[]): void {
    this.draft.set(list);
    this.saveProblem.set(null);
  }

  protected editQuad(e: QuadEdit): void {
    this.draft.update((list) => setLabelQuad(list, e.plane, e.frame, e.quad));
  }

  protected save(): void {
    const s = this.saved();
    if (!s || this.saving()) return;
    this.saving.set(true);
    this.saveProblem.set(null);
    this.conflict.set(false);
    this.api
      .saveKeyframes(this.id(), s.version, this.draft())
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (r) => {
          this.saving.set(false);
          this.acceptKeyframes(r);
          this.retracked.set(r.retracked);
          // The plane list follows the keyframes: fetch it once, then the stream keeps it current.
          this.refreshMaster();
        },
        error: (err: unknown) => {
          this.saving.set(false);
          const problem = describeApiProblem(err);
          this.saveProblem.set(problem);
          this.conflict.set(isVersionConflict(problem));
        },
      });
  }

  protected reloadKeyframes(): void {
    this.api
      .getKeyframes(this.id())
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (k) => {
          this.acceptKeyframes(k);
          this.saveProblem.set(null);
          this.conflict.set(false);
        },
        error: (err: unknown) => this.saveProblem.set(describeApiProblem(err)),
      });
  }

  protected discard(): void {
    const s = this.saved();
    if (s) this.draft.set([...s.keyframes]);
    this.saveProblem.set(null);
    this.conflict.set(false);
  }

  private acceptKeyframes(k: KeyframesView): void {
    this.saved.set({ version: k.version, keyframes: k.keyframes });
    this.draft.set([...k.keyframes]);
  }

  private onMasterEvent(m: MasterShotView): void {
    const current = this.master();
    this.master.set(m);
    // A new master was uploaded: its keyframes start over.
    if (current && current.id !== m.id) {
      this.images.clear();
      this.shown.set(null);
      this.cameraTrack.set(null);
      this.planeTracks.set(new Map());
      this.reloadKeyframes();
    }
  }

  private refreshMaster(): void {
    this.api
      .getMaster(this.id())
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({ next: (m) => this.onMasterEvent(m), error: () => undefined });
  }

  private reset(): void {
    this.master.set(null);
    this.loading.set(true);
    this.saved.set(null);
    this.draft.set([]);
    this.saveProblem.set(null);
    this.conflict.set(false);
    this.retracked.set([]);
    this.frame.set(0);
    this.shown.set(null);
    this.frameError.set(null);
    this.cameraTrack.set(null);
    this.pathError.set(null);
    this.planeTracks.set(new Map());
    this.failedTracks.clear();
    this.images.clear();
  }
}
