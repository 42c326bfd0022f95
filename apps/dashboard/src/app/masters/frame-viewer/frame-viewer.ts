import {
  afterNextRender,
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  ElementRef,
  inject,
  input,
  output,
  signal,
  viewChild,
} from '@angular/core';
import type { Point, Quad } from '@shotmatrix/contracts';
import type { PathPoint, PathRun } from '../homography';
import type { LabelQuadKeyframe } from '../keyframe-edits';
import {
  clientToMaster,
  confidenceLevel,
  CORNER_NAMES,
  hitTestQuads,
  moveCorner,
  quadPoints,
  quadProblem,
  type QuadHit,
  translateQuad,
} from '../quad-geometry';

export interface TrackedQuad {
  plane: string;
  quad: Quad;
  confidence: number;
}

export interface SpritePreview {
  url: string;
  size: string;
  position: string;
}

export interface QuadEdit {
  plane: string;
  frame: number;
  quad: Quad;
}

let nextViewerId = 0;

/**
 * One exact frame of the master with an SVG overlay in master pixels
 * (viewBox 0 0 width height): the matte as a tinted layer, the camera path,
 * tracked label planes and the editable label quads of this frame, whose
 * corners (and bodies) are dragged with the pointer.
 */
@Component({
  selector: 'app-frame-viewer',
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './frame-viewer.html',
  styleUrl: './frame-viewer.css',
})
export class FrameViewer {
  readonly width = input.required<number>();
  readonly height = input.required<number>();
  /** The exact frame image (null until one has loaded). */
  readonly src = input<string | null>(null);
  readonly matteSrc = input<string | null>(null);
  /** Shown while there is no exact frame (e.g. analysis not done). */
  readonly posterSrc = input<string | null>(null);
  readonly alt = input('');
  /** The sprite tile shown at once while the exact frame is on its way. */
  readonly preview = input<SpritePreview | null>(null);
  readonly loading = input(false);
  readonly message = input<string | null>(null);
  readonly showMatte = input(false);
  readonly showPath = input(false);
  readonly showTracks = input(true);
  readonly pathRuns = input<readonly PathRun[]>([]);
  readonly pathPoint = input<PathPoint | null>(null);
  readonly tracked = input<readonly TrackedQuad[]>([]);
  readonly editable = input<readonly LabelQuadKeyframe[]>([]);
  readonly badges = input<readonly string[]>([]);

  readonly quadChange = output<QuadEdit>();

  protected readonly maskId = `matte-mask-${++nextViewerId}`;
  protected readonly corners = CORNER_NAMES;
  protected readonly quadPoints = quadPoints;
  protected readonly level = confidenceLevel;

  private readonly stage = viewChild.required<ElementRef<HTMLElement>>('stage');
  /** Rendered width of the picture in CSS pixels, to keep handles a constant size on screen. */
  private readonly shownWidth = signal(0);
  /** Master pixels per CSS pixel. */
  protected readonly scale = computed(() => (this.shownWidth() > 0 ? this.width() / this.shownWidth() : 1));
  protected readonly handleRadius = computed(() => 7 * this.scale());
  protected readonly fontSize = computed(() => 12 * this.scale());

  protected readonly editQuads = computed(() =>
    this.editable().map((k) => ({ k, problem: quadProblem(k.quad, this.width(), this.height()) })),
  );

  private drag: { pointerId: number; index: number; hit: QuadHit; start: Point; quad: Quad; plane: string; frame: number } | null = null;
  protected readonly dragging = signal<string | null>(null);

  constructor() {
    const destroyRef = inject(DestroyRef);
    afterNextRender(() => {
      const el = this.stage().nativeElement;
      this.shownWidth.set(el.getBoundingClientRect().width);
      const observer = new ResizeObserver((entries) => this.shownWidth.set(entries[0]?.contentRect.width ?? 0));
      observer.observe(el);
      destroyRef.onDestroy(() => observer.disconnect());
    });
  }

  private toMaster(event: PointerEvent): Point {
    const box = (event.currentTarget as Element).getBoundingClientRect();
    return clientToMaster(event.clientX, event.clientY, box, this.width(), this.height());
  }

  protected pointerDown(event: PointerEvent): void {
    if (event.button !== 0 || !this.editable().length) return;
    const p = this.toMaster(event);
    const quads = this.editable().map((k) => k.quad as Quad);
    // A little more reach than the drawn handle: fingers and trackpads are not precise.
    const hit = hitTestQuads(quads, p, this.handleRadius() * 1.6);
    if (!hit) return;
    event.preventDefault();
    (event.currentTarget as Element).setPointerCapture(event.pointerId);
    const k = this.editable()[hit.index];
    this.drag = { pointerId: event.pointerId, index: hit.index, hit, start: p, quad: quads[hit.index], plane: k.plane, frame: k.frame };
    this.dragging.set(k.plane);
  }

  protected pointerMove(event: PointerEvent): void {
    const d = this.drag;
    if (!d || event.pointerId !== d.pointerId) return;
    const p = this.toMaster(event);
    const quad =
      d.hit.part === 'corner'
        ? moveCorner(d.quad, d.hit.corner, p, this.width(), this.height())
        : translateQuad(d.quad, p[0] - d.start[0], p[1] - d.start[1], this.width(), this.height());
    this.quadChange.emit({ plane: d.plane, frame: d.frame, quad });
  }

  protected pointerUp(event: PointerEvent): void {
    if (!this.drag || event.pointerId !== this.drag.pointerId) return;
    this.drag = null;
    this.dragging.set(null);
  }
}
