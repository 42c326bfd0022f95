import { ChangeDetectionStrategy, Component, computed, input, output, signal } from '@angular/core';
import { eventValue } from '../../shared/dom';
import { adjacentKeyframe, type KeyframeTick } from '../keyframe-edits';
import { clampFrame, formatTimecode, framePercent, parseFrameInput } from '../timecode';
import type { Keyframe } from '@shotmatrix/contracts';

/**
 * Frame-accurate transport for the master: a slider over every frame, steps
 * of 1 and 10, a frame/timecode box, and ticks where keyframes and matte
 * keyframes (where IS-Net ran) are. Arrow keys are handled by the page so they
 * work wherever focus is.
 */
@Component({
  selector: 'app-frame-scrubber',
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './frame-scrubber.html',
  styleUrl: './frame-scrubber.css',
})
export class FrameScrubber {
  readonly frame = input.required<number>();
  readonly frameCount = input.required<number>();
  readonly fps = input.required<number>();
  readonly keyframes = input<readonly Keyframe[]>([]);
  readonly ticks = input<readonly KeyframeTick[]>([]);
  readonly matteKeyframes = input<readonly number[]>([]);

  readonly frameChange = output<number>();
  /** True while the slider's thumb is held: the page shows sprite tiles then, exact frames after. */
  readonly draggingChange = output<boolean>();

  protected readonly last = computed(() => Math.max(0, this.frameCount() - 1));
  protected readonly timecode = computed(() => formatTimecode(this.frame(), this.fps()));
  protected readonly duration = computed(() => formatTimecode(this.last(), this.fps()));
  protected readonly inputProblem = signal<string | null>(null);
  protected readonly prevKey = computed(() => adjacentKeyframe(this.keyframes(), this.frame(), -1));
  protected readonly nextKey = computed(() => adjacentKeyframe(this.keyframes(), this.frame(), 1));
  protected readonly tickX = (frame: number) => framePercent(frame, this.frameCount());

  private held = false;

  protected go(frame: number): void {
    this.inputProblem.set(null);
    this.frameChange.emit(clampFrame(frame, this.frameCount()));
  }

  protected step(delta: number): void {
    this.go(this.frame() + delta);
  }

  protected slide(event: Event): void {
    this.go(Number(eventValue(event)));
  }

  protected hold(on: boolean): void {
    if (this.held === on) return;
    this.held = on;
    this.draggingChange.emit(on);
  }

  protected typed(event: Event): void {
    const el = event.target as HTMLInputElement;
    const n = parseFrameInput(el.value, this.fps());
    if (n === null) {
      this.inputProblem.set('Type a frame number or a timecode such as 00:00:01:12.');
      return;
    }
    if (n > this.last()) {
      this.inputProblem.set(`The master has frames 0–${this.last()}.`);
      return;
    }
    this.go(n);
    el.value = String(n);
  }
}
