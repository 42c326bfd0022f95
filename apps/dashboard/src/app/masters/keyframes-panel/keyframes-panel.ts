import { ChangeDetectionStrategy, Component, computed, input, output, signal } from '@angular/core';
import type { AnalysisView, Keyframe, Quad } from '@shotmatrix/contracts';
import type { ApiProblem } from '../../core/api-error';
import { eventValue } from '../../shared/dom';
import { planeStatusText } from '../analysis-text';
import {
  describeKeyframe,
  initialQuad,
  isLocked,
  keyframeId,
  labelQuadsAt,
  nameProblem,
  normaliseName,
  planeNames,
  removeKeyframe,
  setLabelQuad,
  setMark,
  toggleLock,
} from '../keyframe-edits';
import { CORNER_NAMES, quadProblem, setCoordinate } from '../quad-geometry';
import { formatTimecode } from '../timecode';

type Adding = 'mark' | 'quad' | null;

/**
 * The master's keyframes as a list the producer edits before saving it whole:
 * lock the current frame, add a mark or a label quad here, edit this frame's
 * quads corner by corner (the keyboard route beside dragging), jump, delete.
 */
@Component({
  selector: 'app-keyframes-panel',
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './keyframes-panel.html',
  styleUrl: './keyframes-panel.css',
})
export class KeyframesPanel {
  readonly keyframes = input.required<readonly Keyframe[]>();
  readonly frame = input.required<number>();
  readonly fps = input.required<number>();
  readonly width = input.required<number>();
  readonly height = input.required<number>();
  readonly frameCount = input.required<number>();
  readonly version = input<number | null>(null);
  readonly dirty = input(false);
  readonly saving = input(false);
  readonly problem = input<ApiProblem | null>(null);
  readonly conflict = input(false);
  readonly retracked = input<readonly string[]>([]);
  readonly analysis = input<AnalysisView | null>(null);
  /** Where each tracked plane is on the current frame (a new quad starts there). */
  readonly trackedQuads = input<ReadonlyMap<string, Quad>>(new Map());

  readonly keyframesChange = output<Keyframe[]>();
  readonly jump = output<number>();
  readonly save = output<void>();
  readonly reload = output<void>();
  readonly discard = output<void>();

  protected readonly adding = signal<Adding>(null);
  protected readonly name = signal('');
  protected readonly nameError = signal<string | null>(null);

  protected readonly corners = CORNER_NAMES;
  protected readonly describe = describeKeyframe;
  protected readonly idOf = keyframeId;
  protected readonly tc = (frame: number) => formatTimecode(frame, this.fps());

  protected readonly locked = computed(() => isLocked(this.keyframes(), this.frame()));
  protected readonly quadsHere = computed(() =>
    labelQuadsAt(this.keyframes(), this.frame()).map((k) => ({ k, problem: quadProblem(k.quad, this.width(), this.height()) })),
  );
  protected readonly planes = computed(() => planeNames(this.keyframes()));
  /** What the API would refuse, found before sending. */
  protected readonly localProblems = computed(() => {
    const out: string[] = [];
    for (const k of this.keyframes()) {
      if (k.frame >= this.frameCount()) out.push(`${describeKeyframe(k)} at frame ${k.frame}: the master has frames 0–${this.frameCount() - 1}`);
      if (k.kind === 'label-quad') {
        const p = quadProblem(k.quad, this.width(), this.height());
        if (p) out.push(`Label quad “${k.plane}” at frame ${k.frame}: ${p}`);
      }
    }
    return out;
  });
  protected readonly retrackedStatus = computed(() => {
    const a = this.analysis();
    return this.retracked().map((plane) => {
      const p = a?.planes.find((x) => x.plane === plane);
      return { plane, status: p?.status ?? 'queued', text: planeStatusText(p, a) };
    });
  });

  protected toggleLock(): void {
    this.keyframesChange.emit(toggleLock(this.keyframes(), this.frame()));
  }

  protected startAdding(kind: Exclude<Adding, null>): void {
    this.adding.set(kind);
    this.name.set('');
    this.nameError.set(null);
  }

  protected cancelAdding(): void {
    this.adding.set(null);
    this.nameError.set(null);
  }

  protected typedName(event: Event): void {
    this.name.set(eventValue(event));
    this.nameError.set(null);
  }

  protected confirmAdding(event: Event): void {
    event.preventDefault();
    const kind = this.adding();
    if (!kind) return;
    const name = normaliseName(this.name());
    const problem = nameProblem(name, kind === 'mark' ? 'mark' : 'plane');
    if (problem) {
      this.nameError.set(problem);
      return;
    }
    const frame = this.frame();
    const list = this.keyframes();
    if (kind === 'mark') {
      this.keyframesChange.emit(setMark(list, name, frame));
    } else {
      const quad = initialQuad(list, name, frame, this.trackedQuads().get(name) ?? null, this.width(), this.height());
      this.keyframesChange.emit(setLabelQuad(list, name, frame, quad));
    }
    this.adding.set(null);
  }

  protected remove(k: Keyframe): void {
    this.keyframesChange.emit(removeKeyframe(this.keyframes(), keyframeId(k)));
  }

  protected setCorner(plane: string, quad: Quad, corner: number, axis: 0 | 1, event: Event): void {
    const raw = eventValue(event).trim();
    const value = raw === '' ? Number.NaN : Number(raw);
    this.keyframesChange.emit(setLabelQuad(this.keyframes(), plane, this.frame(), setCoordinate(quad, corner, axis, value)));
  }

  protected markName(k: Keyframe): string {
    return k.kind === 'mark' ? k.name : k.kind === 'label-quad' ? k.plane : '';
  }
}
