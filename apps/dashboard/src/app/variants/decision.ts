/**
 * Who is offered Approve/Reject on a variant, what a decision sends, and what
 * the page does when the API refuses one. Pure, so it is table-tested; the API
 * checks every decision again.
 */
import type { ApprovalView, VariantStatus } from '@shotmatrix/contracts';
import type { ApiProblem } from '../core/api-error';
import type { DecisionRequest } from '../core/shotmatrix-api';
import { ROLE_LABEL, may, type Who } from '../auth/permissions';

export interface DecisionOffer {
  /** Show Approve and Reject. */
  buttons: boolean;
  /** Why not, or what to know (shown instead of, or beside, the buttons). */
  note: string | null;
}

/**
 * Buttons only for someone who may decide on this variant's market, and only
 * once there is a finished render to decide on.
 */
export function decisionOffer(who: Who | null | undefined, variant: { market: string; status: VariantStatus }): DecisionOffer {
  if (!who) return { buttons: false, note: 'Sign in to approve or reject.' };
  if (!may(who, 'variant:decide', variant.market)) {
    if (who.role === 'brand-manager' && who.permissions.includes('variant:decide')) {
      const yours = who.markets.length ? `You decide for ${who.markets.join(', ')}` : 'You have no markets assigned';
      return { buttons: false, note: `${yours}; market ${variant.market} is decided by its own brand manager.` };
    }
    return { buttons: false, note: `${ROLE_LABEL[who.role] ?? who.role}s cannot approve or reject variants.` };
  }
  if (variant.status !== 'done') {
    return { buttons: false, note: 'Approve or reject once the render is done.' };
  }
  return { buttons: true, note: null };
}

export type DecisionDraft = { ok: true; body: DecisionRequest } | { ok: false; problem: string };

export const COMMENT_NEEDED = 'Say what to change: a rejection needs a comment.';

/**
 * The request for a decision: `basedOn` is the approval on screen, so a
 * decision taken meanwhile by someone else makes the API refuse this one
 * (409) instead of overwriting it. A rejection is pinned to the frame shown.
 */
export function decisionDraft(
  decision: 'approved' | 'rejected',
  comment: string,
  shown: Pick<ApprovalView, 'id'> | null,
  frame: number,
): DecisionDraft {
  const text = comment.trim();
  if (decision === 'rejected' && !text) return { ok: false, problem: COMMENT_NEEDED };
  const body: DecisionRequest = { decision, comment: text || null, basedOn: shown?.id ?? null };
  if (decision === 'rejected') body.frame = Math.max(0, Math.floor(frame));
  return { ok: true, body };
}

export interface DecisionFailure {
  message: string;
  /** Load the variant again: what is on screen is out of date (someone decided, or the render changed). */
  reload: boolean;
}

/** A refused decision: the API's own sentence (who decided meanwhile, which markets are yours) and whether to reload. */
export function decisionFailure(problem: Pick<ApiProblem, 'message' | 'status' | 'code'>): DecisionFailure {
  if (problem.code === 'COMMENT_REQUIRED') return { message: problem.message || COMMENT_NEEDED, reload: false };
  return { message: problem.message, reload: problem.status === 409 };
}

/** "Approved by ana@x.com · 2026-01-02 10:00" */
export function describeApproval(a: Pick<ApprovalView, 'decision' | 'by' | 'at'>): string {
  const verb = a.decision === 'approved' ? 'Approved' : 'Rejected';
  return `${verb}${a.by ? ` by ${a.by}` : ''} · ${a.at.slice(0, 16).replace('T', ' ')}`;
}
