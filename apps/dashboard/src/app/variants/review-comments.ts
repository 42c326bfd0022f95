/**
 * Which comments belong to which frame, which are drawn over the picture, and
 * how a comment from another version is tagged. Pure, so it is table-tested.
 */
import type { CommentThreadView, CommentView } from '@shotmatrix/contracts';
import type { Region } from './region';

/** Threads in the order a reviewer works through a shot: by frame, then oldest first. */
export function orderThreads(threads: readonly CommentThreadView[]): CommentThreadView[] {
  return [...threads].sort((a, b) => a.frame - b.frame || a.createdAt.localeCompare(b.createdAt));
}

export const isResolved = (c: Pick<CommentView, 'resolvedAt'>): boolean => c.resolvedAt !== null;

/** Threads pinned to `frame` (by their first comment or by a reply made there). */
export function threadsAtFrame(threads: readonly CommentThreadView[], frame: number): CommentThreadView[] {
  return threads.filter((t) => t.frame === frame || t.replies.some((r) => r.frame === frame));
}

export interface CommentMarker {
  id: string;
  region: Region;
  /** "#3": the thread's number in the ordered list, so the box and the list item match. */
  label: string;
  text: string;
}

/**
 * The regions to draw over the picture at `frame`: those of open threads (a
 * resolved note no longer needs looking at), numbered as in `ordered`.
 */
export function markersAtFrame(ordered: readonly CommentThreadView[], frame: number): CommentMarker[] {
  const out: CommentMarker[] = [];
  ordered.forEach((t, i) => {
    if (isResolved(t)) return;
    for (const c of [t, ...t.replies]) {
      if (c.frame === frame && c.region) out.push({ id: c.id, region: c.region, label: `#${i + 1}`, text: `${c.author}: ${c.body}` });
    }
  });
  return out;
}

export interface CommentTick {
  frame: number;
  /** False when every thread there is resolved. */
  open: boolean;
}

/** One tick per commented frame along the timeline, in frame order. */
export function commentTicks(threads: readonly CommentThreadView[]): CommentTick[] {
  const byFrame = new Map<number, boolean>();
  for (const t of threads) byFrame.set(t.frame, (byFrame.get(t.frame) ?? false) || !isResolved(t));
  return [...byFrame].sort(([a], [b]) => a - b).map(([frame, open]) => ({ frame, open }));
}

/**
 * "v2" for a comment made on another render than the one now shown (its
 * frame may show something else now); null for the current one.
 */
export function versionTag(c: Pick<CommentView, 'renderKey' | 'version'>, currentRenderKey: string): string | null {
  if (c.renderKey === currentRenderKey) return null;
  return c.version !== null ? `v${c.version}` : 'earlier version';
}

/** The first line of a comment, cut to `max` characters, for a collapsed thread. */
export function firstLine(body: string, max = 80): string {
  const line = body.trim().split(/\r?\n/, 1)[0] ?? '';
  return line.length > max ? `${line.slice(0, max - 1).trimEnd()}…` : line;
}
