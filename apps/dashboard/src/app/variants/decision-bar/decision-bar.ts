import { ChangeDetectionStrategy, Component, ElementRef, computed, effect, inject, input, output, signal, untracked, viewChild } from '@angular/core';
import type { VariantView } from '@shotmatrix/contracts';
import { describeApiProblem } from '../../core/api-error';
import { newIdempotencyKey } from '../../core/request-headers';
import { ShotmatrixApi } from '../../core/shotmatrix-api';
import { Session } from '../../auth/session';
import { eventValue } from '../../shared/dom';
import { decisionDraft, decisionFailure, decisionOffer, describeApproval } from '../decision';

/**
 * The current decision on a variant (stale when the render changed since) and,
 * for whoever may decide on its market, Approve and Reject. A decision names
 * the approval it was based on; one taken meanwhile by someone else wins, and
 * this page says who and loads the variant again.
 */
@Component({
  selector: 'app-decision-bar',
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './decision-bar.html',
  styleUrl: './decision-bar.css',
})
export class DecisionBar {
  private readonly api = inject(ShotmatrixApi);
  private readonly session = inject(Session);

  readonly variant = input.required<VariantView>();
  /** The player's frame: a rejection is pinned there. */
  readonly frame = input(0);

  /** The API's answer to a decision. */
  readonly decided = output<VariantView>();
  /** What is on screen is out of date (a conflicting decision won): load the variant again. */
  readonly reload = output<void>();

  protected readonly offer = computed(() => decisionOffer(this.session.user(), this.variant()));
  protected readonly approval = computed(() => this.variant().approval);
  protected readonly comment = signal('');
  protected readonly sending = signal<'approved' | 'rejected' | null>(null);
  protected readonly problem = signal<string | null>(null);
  /** Rejecting without a comment: the textarea is flagged. */
  protected readonly commentMissing = signal(false);
  protected readonly describeApproval = describeApproval;

  private readonly commentBox = viewChild<ElementRef<HTMLTextAreaElement>>('commentBox');
  private readonly variantId = computed(() => this.variant().id);

  constructor() {
    // Another variant (navigation): nothing typed or said about the last one applies.
    // Keyed on the id alone: the same variant loaded again after a conflict keeps the message.
    effect(() => {
      this.variantId();
      untracked(() => {
        this.comment.set('');
        this.problem.set(null);
        this.commentMissing.set(false);
      });
    });
  }

  protected typed(event: Event): void {
    this.comment.set(eventValue(event));
    if (this.commentMissing() && this.comment().trim()) this.commentMissing.set(false);
  }

  protected decide(decision: 'approved' | 'rejected'): void {
    if (this.sending()) return;
    const v = this.variant();
    const draft = decisionDraft(decision, this.comment(), v.approval, this.frame());
    if (!draft.ok) {
      this.problem.set(draft.problem);
      this.commentMissing.set(true);
      this.commentBox()?.nativeElement.focus();
      return;
    }
    this.problem.set(null);
    this.commentMissing.set(false);
    this.sending.set(decision);
    this.api.decideVariant(v.id, draft.body, newIdempotencyKey()).subscribe({
      next: (updated) => {
        this.sending.set(null);
        this.comment.set('');
        this.decided.emit(updated);
      },
      error: (err: unknown) => {
        this.sending.set(null);
        const failure = decisionFailure(describeApiProblem(err));
        this.problem.set(failure.message);
        if (failure.reload) this.reload.emit();
      },
    });
  }
}
