/**
 * Review rules, pure: what a decision needs, when two decisions collide, how
 * comments thread. The API applies them inside one transaction per request.
 */
import { DomainError } from './errors';

export type Decision = 'approved' | 'rejected';

export interface DecisionRequest {
  decision: Decision;
  comment: string | null;
  /** The id of the latest decision the reviewer saw (null: none). */
  basedOn: string | null;
}

export interface LatestDecision {
  id: string;
  decision: Decision;
  decidedBy: string | null;
  renderKey: string;
}

/** Why a decision cannot be taken as asked, or null. */
export function checkDecision(
  req: DecisionRequest,
  variant: { cellKey: string; renderKey: string; status: string },
  latest: LatestDecision | null,
): DomainError | null {
  if (req.decision === 'rejected' && !req.comment?.trim()) {
    return new DomainError('COMMENT_REQUIRED', 'a rejection needs a comment that says what to change');
  }
  if (variant.status !== 'done') {
    return new DomainError('VARIANT_NOT_RENDERED', `${variant.cellKey} has no finished render to decide on yet (it is ${variant.status})`, 'conflict');
  }
  // Someone decided since the reviewer loaded the page: the second decision loses rather than silently overwriting.
  if ((latest?.id ?? null) !== req.basedOn) {
    const what = latest ? `${latest.decidedBy ?? 'someone'} ${latest.decision === 'approved' ? 'approved' : 'rejected'} it` : 'its decision was withdrawn';
    return new DomainError('DECISION_CONFLICT', `${variant.cellKey} changed while you were looking: ${what}; reload and decide again`, 'conflict');
  }
  return null;
}

/** A decision holds for the render it saw; a new render key makes it stale (kept, never deleted). */
export const isStale = (decision: { renderKey: string }, current: { renderKey: string }) => decision.renderKey !== current.renderKey;

export interface CommentLike {
  id: string;
  parentId: string | null;
  createdAt: string;
}

export type Thread<C extends CommentLike> = C & { replies: C[] };

/**
 * Top-level comments with their replies, oldest first. Replies to replies
 * join their root's thread, so a thread is always one level deep on screen.
 */
export function threadComments<C extends CommentLike>(comments: readonly C[]): Array<Thread<C>> {
  const byId = new Map(comments.map((c) => [c.id, c]));
  const rootOf = (c: C): C => {
    let cur = c;
    const seen = new Set<string>();
    while (cur.parentId && byId.has(cur.parentId) && !seen.has(cur.id)) {
      seen.add(cur.id);
      cur = byId.get(cur.parentId)!;
    }
    return cur;
  };
  const order = (a: CommentLike, b: CommentLike) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);
  const threads = new Map<string, Thread<C>>();
  for (const c of [...comments].sort(order)) {
    const root = rootOf(c);
    if (root.id === c.id) threads.set(c.id, { ...c, replies: [] });
  }
  for (const c of [...comments].sort(order)) {
    const root = rootOf(c);
    if (root.id !== c.id) threads.get(root.id)?.replies.push(c);
  }
  return [...threads.values()];
}
