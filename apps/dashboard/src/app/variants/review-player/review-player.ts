import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  ElementRef,
  computed,
  effect,
  inject,
  input,
  model,
  output,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import { clampFrame, formatTimecode, framePercent, parseFrameInput } from '../../masters/timecode';
import { eventValue } from '../../shared/dom';
import { type KeyTarget, clampPercent, frameToTime, needsResync, playerKeyAction, timeToFrame, wipeFromPointer } from '../player-frames';
import { type Region, pointOnPicture, regionFromDrag, regionStyle } from '../region';
import type { CommentMarker, CommentTick } from '../review-comments';

export type PlayerMode = 'wipe' | 'side' | 'single';

export interface PlayerSource {
  src: string;
  /** "Variant", "Master", "v2": named on the picture and in the controls. */
  label: string;
  poster?: string | null;
  testId: string;
}

const MODES: ReadonlyArray<{ mode: PlayerMode; text: string }> = [
  { mode: 'wipe', text: 'Wipe' },
  { mode: 'side', text: 'Side by side' },
  { mode: 'single', text: 'Only' },
];

/** How the focused element relates to the player's keys (see playerKeyAction). */
function keyTarget(el: EventTarget | null, transport: HTMLElement | undefined): KeyTarget {
  if (!(el instanceof HTMLElement)) return 'other';
  if (el.isContentEditable || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement) return 'text';
  if (el instanceof HTMLInputElement) {
    if (el.type === 'range') return 'slider';
    return ['checkbox', 'radio', 'button', 'submit', 'reset'].includes(el.type) ? 'button' : 'text';
  }
  if (el.getAttribute('role') === 'slider') return 'slider';
  if (el instanceof HTMLButtonElement || el instanceof HTMLAnchorElement || el.getAttribute('role') === 'button' || el.tagName === 'SUMMARY') {
    return transport?.contains(el) ? 'transport' : 'button';
  }
  return 'other';
}

/**
 * Two videos of one shot kept on the same frame: the primary (the variant, or
 * version A) leads and the secondary (the master, or version B) follows its
 * time. Paused, both sit in the middle of the same frame, so stepping is
 * exact. Shown as a wipe, side by side, or the primary alone; comment regions
 * are drawn over the primary, and a new one can be dragged out on it.
 */
@Component({
  selector: 'app-review-player',
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './review-player.html',
  styleUrl: './review-player.css',
  host: {
    '(document:keydown)': 'onKey($event)',
    '(document:keyup)': 'onKeyUp($event)',
  },
})
export class ReviewPlayer {
  readonly primary = input.required<PlayerSource>();
  readonly secondary = input<PlayerSource | null>(null);
  readonly fps = input.required<number>();
  readonly frameCount = input.required<number>();
  /** Comment regions to draw at the current frame. */
  readonly markers = input<readonly CommentMarker[]>([]);
  /** Commented frames, marked along the timeline. */
  readonly ticks = input<readonly CommentTick[]>([]);
  /** While true, a drag on the primary picture draws a region instead of moving the wipe. */
  readonly drawing = input(false);
  /** The region drawn for the comment being written. */
  readonly pendingRegion = input<Region | null>(null);

  readonly frame = model(0);
  readonly mode = model<PlayerMode>('wipe');
  readonly regionDrawn = output<Region>();

  protected readonly modes = MODES;
  protected readonly regionStyle = regionStyle;
  protected readonly tickX = (frame: number) => framePercent(frame, this.frameCount());
  protected readonly playing = signal(false);
  /** The primary's sound (the follower is always silent). */
  protected readonly muted = signal(false);
  protected readonly wipe = signal(50);
  protected readonly aspect = signal('16 / 9');
  protected readonly draft = signal<Region | null>(null);
  protected readonly primaryProblem = signal<string | null>(null);
  protected readonly secondaryProblem = signal<string | null>(null);
  protected readonly inputProblem = signal<string | null>(null);

  protected readonly shownMode = computed<PlayerMode>(() => (this.secondary() ? this.mode() : 'single'));
  protected readonly last = computed(() => Math.max(0, this.frameCount() - 1));
  protected readonly timecode = computed(() => formatTimecode(this.frame(), this.fps()));
  protected readonly totalTimecode = computed(() => formatTimecode(this.last(), this.fps()));
  /** In a wipe the primary shows left of the divider, the secondary right of it. */
  protected readonly primaryClip = computed(() => (this.shownMode() === 'wipe' ? `inset(0 ${100 - this.wipe()}% 0 0)` : null));

  private readonly primaryVideo = viewChild<ElementRef<HTMLVideoElement>>('primaryVideo');
  private readonly secondaryVideo = viewChild<ElementRef<HTMLVideoElement>>('secondaryVideo');
  private readonly primaryPane = viewChild<ElementRef<HTMLElement>>('primaryPane');
  private readonly stage = viewChild<ElementRef<HTMLElement>>('stage');
  private readonly transport = viewChild<ElementRef<HTMLElement>>('transport');

  /** The frame last read off the videos or seeked to: the model moving to it needs no seek. */
  private shown = -1;
  private seekFps = 0;
  private frameRequest = 0;
  private nextResyncAt = 0;
  private pointer: { id: number; kind: 'wipe' | 'region'; start: { x: number; y: number }; box: DOMRect } | null = null;

  constructor() {
    // The model moved (step, slider, a comment clicked): show exactly that frame.
    effect(() => {
      const frame = this.frame();
      const fps = this.fps();
      untracked(() => {
        // A new frame rate (the master's arriving) moves where a frame's middle is.
        if (frame !== this.shown || fps !== this.seekFps) this.seek(frame);
      });
    });
    inject(DestroyRef).onDestroy(() => cancelAnimationFrame(this.frameRequest));
  }

  private lead(): HTMLVideoElement | undefined {
    return this.primaryVideo()?.nativeElement;
  }

  private follower(): HTMLVideoElement | undefined {
    return this.secondary() ? this.secondaryVideo()?.nativeElement : undefined;
  }

  /** Pauses both and puts both in the middle of `frame`. */
  private seek(frame: number): void {
    const f = clampFrame(frame, this.frameCount());
    this.shown = f;
    this.seekFps = this.fps();
    const t = frameToTime(f, this.seekFps);
    for (const v of [this.lead(), this.follower()]) {
      if (!v) continue;
      if (!v.paused) v.pause();
      if (Math.abs(v.currentTime - t) > 1e-4) v.currentTime = t;
    }
  }

  private report(frame: number): void {
    if (frame === this.shown) return;
    this.shown = frame;
    this.frame.set(frame);
  }

  protected toggle(): void {
    const lead = this.lead();
    if (!lead) return;
    if (!lead.paused) {
      lead.pause();
      return;
    }
    if (this.frame() >= this.last()) this.frame.set(0);
    // A step just before may still be waiting for its effect: start from the frame on screen.
    this.seek(this.frame());
    lead.play().catch((err: unknown) => {
      // A pause that interrupts play() is not a failure.
      if (err instanceof DOMException && err.name === 'AbortError') return;
      this.primaryProblem.set(`${this.primary().label} could not play: ${err instanceof Error ? err.message : String(err)}`);
    });
  }

  protected step(by: number): void {
    this.frame.set(clampFrame(this.frame() + by, this.frameCount()));
  }

  protected go(frame: number): void {
    this.inputProblem.set(null);
    this.frame.set(clampFrame(frame, this.frameCount()));
  }

  protected slide(event: Event): void {
    this.go(Number(eventValue(event)));
  }

  protected typed(event: Event): void {
    const el = event.target as HTMLInputElement;
    const n = parseFrameInput(el.value, this.fps());
    if (n === null || n > this.last()) {
      this.inputProblem.set(n === null ? 'Type a frame number or a timecode such as 00:00:01:12.' : `Frames run from 0 to ${this.last()}.`);
      return;
    }
    this.go(n);
    el.value = '';
  }

  protected setMode(mode: PlayerMode): void {
    this.mode.set(mode);
    const lead = this.lead();
    const follower = this.follower();
    // The follower only runs while it is on screen.
    if (lead && follower && !lead.paused) {
      if (mode === 'single') follower.pause();
      else {
        follower.currentTime = lead.currentTime;
        follower.play().catch(() => undefined);
      }
    }
  }

  // Video events.

  protected onPrimaryMetadata(video: HTMLVideoElement): void {
    this.primaryProblem.set(null);
    if (video.videoWidth > 0 && video.videoHeight > 0) this.aspect.set(`${video.videoWidth} / ${video.videoHeight}`);
    this.shown = -1;
    this.seek(this.frame());
  }

  protected onSecondaryMetadata(video: HTMLVideoElement): void {
    this.secondaryProblem.set(null);
    const lead = this.lead();
    video.currentTime = lead && !lead.paused ? lead.currentTime : frameToTime(this.frame(), this.fps());
    if (lead && !lead.paused && this.shownMode() !== 'single') video.play().catch(() => undefined);
  }

  protected onPlay(): void {
    this.playing.set(true);
    const lead = this.lead();
    const follower = this.follower();
    if (lead && follower && this.shownMode() !== 'single') {
      follower.currentTime = lead.currentTime;
      follower.play().catch(() => undefined);
    }
    cancelAnimationFrame(this.frameRequest);
    this.frameRequest = requestAnimationFrame(this.follow);
  }

  protected onPause(): void {
    this.playing.set(false);
    cancelAnimationFrame(this.frameRequest);
    const lead = this.lead();
    if (!lead) return;
    // Settle both on the frame the leader stopped on, in the middle of it.
    const f = timeToFrame(lead.currentTime, this.fps(), this.frameCount());
    this.seek(f);
    this.frame.set(f);
  }

  protected onEmptied(): void {
    this.playing.set(false);
    cancelAnimationFrame(this.frameRequest);
  }

  protected onError(which: 'primary' | 'secondary'): void {
    const source = which === 'primary' ? this.primary() : this.secondary();
    (which === 'primary' ? this.primaryProblem : this.secondaryProblem).set(`${source?.label ?? 'The video'} could not be loaded.`);
  }

  /** While playing: the frame counter follows the leader, and the follower is pulled back when it drifts. */
  private readonly follow = (now: number): void => {
    const lead = this.lead();
    if (!lead || lead.paused) return;
    const t = lead.currentTime;
    this.report(timeToFrame(t, this.fps(), this.frameCount()));
    const follower = this.follower();
    if (follower && this.shownMode() !== 'single') {
      if (follower.paused && !follower.ended) follower.play().catch(() => undefined);
      // Seeking costs a moment of stutter: at most twice a second.
      if (now >= this.nextResyncAt && needsResync(t, follower.currentTime, this.fps())) {
        follower.currentTime = t;
        this.nextResyncAt = now + 500;
      }
    }
    this.frameRequest = requestAnimationFrame(this.follow);
  };

  // Keys.

  protected onKey(event: KeyboardEvent): void {
    if (event.defaultPrevented) return;
    const target = keyTarget(event.target, this.transport()?.nativeElement);
    const action = playerKeyAction(event, target);
    if (!action) return;
    event.preventDefault();
    if (action.kind === 'toggle') this.toggle();
    else this.step(action.by);
  }

  /** Space on a transport button played already: the button must not be pressed by it too. */
  protected onKeyUp(event: KeyboardEvent): void {
    if (event.key !== ' ') return;
    if (keyTarget(event.target, this.transport()?.nativeElement) === 'transport') event.preventDefault();
  }

  protected wipeKey(event: KeyboardEvent): void {
    const by = event.shiftKey ? 1 : 5;
    const next =
      event.key === 'ArrowLeft' ? this.wipe() - by : event.key === 'ArrowRight' ? this.wipe() + by : event.key === 'Home' ? 0 : event.key === 'End' ? 100 : null;
    if (next === null) return;
    event.preventDefault();
    this.wipe.set(clampPercent(next));
  }

  // Pointer: the wipe divider, or a region on the primary picture.

  protected pointerDown(event: PointerEvent): void {
    if (event.button !== 0) return;
    const pane = this.primaryPane()?.nativeElement;
    const stage = this.stage()?.nativeElement;
    if (!pane || !stage) return;
    const onPrimary = pane.contains(event.target as Node);
    if (this.drawing() && onPrimary) {
      const box = pane.getBoundingClientRect();
      this.pointer = { id: event.pointerId, kind: 'region', start: pointOnPicture(event.clientX, event.clientY, box), box };
      this.draft.set(null);
    } else if (this.shownMode() === 'wipe') {
      const box = stage.getBoundingClientRect();
      this.pointer = { id: event.pointerId, kind: 'wipe', start: { x: 0, y: 0 }, box };
      this.wipe.set(wipeFromPointer(event.clientX, box.left, box.width));
    } else {
      return;
    }
    event.preventDefault();
    (event.currentTarget as Element).setPointerCapture(event.pointerId);
  }

  protected pointerMove(event: PointerEvent): void {
    const p = this.pointer;
    if (!p || p.id !== event.pointerId) return;
    if (p.kind === 'wipe') {
      this.wipe.set(wipeFromPointer(event.clientX, p.box.left, p.box.width));
    } else {
      this.draft.set(regionFromDrag(p.start, pointOnPicture(event.clientX, event.clientY, p.box), 0));
    }
  }

  protected pointerUp(event: PointerEvent): void {
    const p = this.pointer;
    if (!p || p.id !== event.pointerId) return;
    this.pointer = null;
    if (p.kind === 'region') {
      this.draft.set(null);
      const region = event.type === 'pointerup' ? regionFromDrag(p.start, pointOnPicture(event.clientX, event.clientY, p.box)) : null;
      if (region) this.regionDrawn.emit(region);
    }
  }
}
