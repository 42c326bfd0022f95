import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, input, output, signal } from '@angular/core';
import type { CommentThreadView, CommentView } from '@shotmatrix/contracts';
import { describeApiError } from '../../core/api-error';
import { newIdempotencyKey } from '../../core/request-headers';
import { ShotmatrixApi } from '../../core/shotmatrix-api';
import { formatTimecode } from '../../masters/timecode';
import { eventValue } from '../../shared/dom';
import { type Region, describeRegion } from '../region';
import { firstLine, isResolved, threadsAtFrame, versionTag } from '../review-comments';

/**
 * Comment threads pinned to frames (and maybe regions) of a variant: the ones
 * at the player's frame first, then every thread by frame; resolved threads
 * fold away. New comments go on the frame shown, with the region drawn on
 * the picture if there is one.
 */
@Component({
  selector: 'app-comments-panel',
  imports: [DatePipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './comments-panel.html',
  styleUrl: './comments-panel.css',
})
export class CommentsPanel {
  private readonly api = inject(ShotmatrixApi);

  readonly variantId = input.required<string>();
  /** Ordered by frame (orderThreads): the numbers match the boxes on the picture. */
  readonly threads = input.required<readonly CommentThreadView[]>();
  readonly frame = input.required<number>();
  readonly fps = input.required<number>();
  readonly currentRenderKey = input.required<string>();
  readonly canComment = input(false);
  /** Why this person cannot comment (shown instead of the form). */
  readonly cannotCommentNote = input<string | null>(null);
  readonly pendingRegion = input<Region | null>(null);
  readonly drawing = input(false);
  readonly loading = input(false);

  readonly seek = output<number>();
  /** Something was written: load the threads again. */
  readonly changed = output<void>();
  readonly drawingChange = output<boolean>();
  readonly clearRegion = output<void>();

  protected readonly draft = signal('');
  protected readonly sending = signal(false);
  protected readonly problem = signal<string | null>(null);
  protected readonly replyTo = signal<string | null>(null);
  protected readonly replyDraft = signal('');
  protected readonly expanded = signal<ReadonlySet<string>>(new Set());

  protected readonly here = computed(() => threadsAtFrame(this.threads(), this.frame()));
  protected readonly openCount = computed(() => this.threads().filter((t) => !isResolved(t)).length);
  protected readonly timecode = computed(() => formatTimecode(this.frame(), this.fps()));

  protected readonly isResolved = isResolved;
  protected readonly firstLine = firstLine;
  protected readonly describeRegion = describeRegion;
  protected tc(frame: number): string {
    return formatTimecode(frame, this.fps());
  }
  protected tag(c: CommentView): string | null {
    return versionTag(c, this.currentRenderKey());
  }
  protected number(t: CommentThreadView): number {
    return this.threads().indexOf(t) + 1;
  }
  protected isOpen(t: CommentThreadView): boolean {
    return !isResolved(t) || this.expanded().has(t.id);
  }

  protected typed(event: Event): void {
    this.draft.set(eventValue(event));
  }

  protected typedReply(event: Event): void {
    this.replyDraft.set(eventValue(event));
  }

  protected toggleExpanded(id: string): void {
    const next = new Set(this.expanded());
    if (next.has(id)) next.delete(id);
    else next.add(id);
    this.expanded.set(next);
  }

  protected startReply(id: string): void {
    this.replyTo.set(this.replyTo() === id ? null : id);
    this.replyDraft.set('');
  }

  protected submit(event: Event): void {
    event.preventDefault();
    const body = this.draft().trim();
    if (!body) {
      this.problem.set('Write the comment first.');
      return;
    }
    const region = this.pendingRegion();
    this.send({ body, frame: this.frame(), ...(region ? { region } : {}) }, () => {
      this.draft.set('');
      this.clearRegion.emit();
      this.drawingChange.emit(false);
    });
  }

  protected submitReply(event: Event, thread: CommentThreadView): void {
    event.preventDefault();
    const body = this.replyDraft().trim();
    if (!body) {
      this.problem.set('Write the reply first.');
      return;
    }
    // A reply is about the thread's moment, wherever the player is now.
    this.send({ body, frame: thread.frame, parentId: thread.id }, () => {
      this.replyTo.set(null);
      this.replyDraft.set('');
    });
  }

  protected setResolved(c: CommentView, resolved: boolean): void {
    this.sending.set(true);
    this.problem.set(null);
    this.api.setCommentResolved(c.id, resolved).subscribe({
      next: () => {
        this.sending.set(false);
        this.changed.emit();
      },
      error: (err: unknown) => {
        this.sending.set(false);
        this.problem.set(describeApiError(err));
      },
    });
  }

  private send(body: Parameters<ShotmatrixApi['addComment']>[1], done: () => void): void {
    this.sending.set(true);
    this.problem.set(null);
    this.api.addComment(this.variantId(), body, newIdempotencyKey()).subscribe({
      next: () => {
        this.sending.set(false);
        done();
        this.changed.emit();
      },
      error: (err: unknown) => {
        this.sending.set(false);
        this.problem.set(describeApiError(err));
      },
    });
  }
}
