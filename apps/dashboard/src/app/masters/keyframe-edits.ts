/**
 * Edits of the master's keyframe list, as the page keeps it before saving the
 * whole list. Every function returns a new list, sorted as the API stores it.
 * Pure, so tested without Angular.
 */
import type { Keyframe, KeyframeKind, Quad } from '@shotmatrix/contracts';
import { defaultQuad } from './quad-geometry';

export type LabelQuadKeyframe = Extract<Keyframe, { kind: 'label-quad' }>;

/** One entry per id, as the API allows: a lock per frame, a quad per plane and frame, a mark per name. */
export function keyframeId(k: Keyframe): string {
  switch (k.kind) {
    case 'label-quad':
      return `label-quad/${k.plane}/${k.frame}`;
    case 'mark':
      return `mark/${k.name}`;
    case 'lock':
      return `lock/${k.frame}`;
  }
}

/** The API's order: by frame, then kind. */
export function sortKeyframes(list: readonly Keyframe[]): Keyframe[] {
  return [...list].sort((a, b) => a.frame - b.frame || a.kind.localeCompare(b.kind) || keyframeId(a).localeCompare(keyframeId(b)));
}

function upsert(list: readonly Keyframe[], k: Keyframe): Keyframe[] {
  const id = keyframeId(k);
  return sortKeyframes([...list.filter((x) => keyframeId(x) !== id), k]);
}

export function isLocked(list: readonly Keyframe[], frame: number): boolean {
  return list.some((k) => k.kind === 'lock' && k.frame === frame);
}

/** Locks `frame`, or unlocks it when it is locked. */
export function toggleLock(list: readonly Keyframe[], frame: number): Keyframe[] {
  return isLocked(list, frame) ? removeKeyframe(list, `lock/${frame}`) : upsert(list, { kind: 'lock', frame });
}

/** Puts mark `name` on `frame`; a mark of that name elsewhere moves here (names are unique). */
export function setMark(list: readonly Keyframe[], name: string, frame: number): Keyframe[] {
  return upsert(list, { kind: 'mark', frame, name });
}

export function setLabelQuad(list: readonly Keyframe[], plane: string, frame: number, quad: Quad): Keyframe[] {
  return upsert(list, { kind: 'label-quad', frame, plane, quad });
}

export function removeKeyframe(list: readonly Keyframe[], id: string): Keyframe[] {
  return list.filter((k) => keyframeId(k) !== id);
}

export function labelQuadsAt(list: readonly Keyframe[], frame: number): LabelQuadKeyframe[] {
  return list.filter((k): k is LabelQuadKeyframe => k.kind === 'label-quad' && k.frame === frame);
}

/** Same keyframes, whatever the order (the page compares its draft with what was saved). */
export function sameKeyframes(a: readonly Keyframe[], b: readonly Keyframe[]): boolean {
  if (a.length !== b.length) return false;
  const canon = (list: readonly Keyframe[]) => JSON.stringify(sortKeyframes(list).map((k) => [keyframeId(k), k.frame, k.kind === 'label-quad' ? k.quad : null]));
  return canon(a) === canon(b);
}

const NAME = /^[a-z0-9][a-z0-9_-]*$/;

/** Plane and mark names: what the API accepts, said plainly; null when fine. */
export function nameProblem(name: string, what: 'plane' | 'mark'): string | null {
  if (!name) return `Name the ${what}.`;
  if (name.length > 40) return `A ${what} name has at most 40 characters.`;
  if (!NAME.test(name)) return `Use lower-case letters, digits, "-" and "_" for the ${what} name (e.g. front-label).`;
  return null;
}

/** Planes and marks are typed freely; this is the form the API wants. */
export function normaliseName(raw: string): string {
  return raw.trim().toLowerCase().replace(/\s+/g, '-');
}

export interface KeyframeTick {
  id: string;
  kind: KeyframeKind;
  frame: number;
  label: string;
}

export function describeKeyframe(k: Keyframe): string {
  switch (k.kind) {
    case 'lock':
      return 'Lock';
    case 'mark':
      return `Mark “${k.name}”`;
    case 'label-quad':
      return `Label quad “${k.plane}”`;
  }
}

export function keyframeTicks(list: readonly Keyframe[]): KeyframeTick[] {
  return list.map((k) => ({ id: keyframeId(k), kind: k.kind, frame: k.frame, label: describeKeyframe(k) }));
}

/** The first keyframe frame after (or before, `direction` −1) `frame`; null when there is none. */
export function adjacentKeyframe(list: readonly Keyframe[], frame: number, direction: 1 | -1): number | null {
  const frames = [...new Set(list.map((k) => k.frame))].sort((a, b) => a - b);
  if (direction > 0) return frames.find((f) => f > frame) ?? null;
  return frames.reverse().find((f) => f < frame) ?? null;
}

/**
 * Where a new label quad for `plane` starts on `frame`: where the tracker has
 * the plane now (correcting a drifting track), else the plane's nearest
 * keyframe quad, else a centred rectangle.
 */
export function initialQuad(list: readonly Keyframe[], plane: string, frame: number, tracked: Quad | null, width: number, height: number): Quad {
  if (tracked) return tracked.map((c) => [c[0], c[1]]) as Quad;
  const nearest = list
    .filter((k): k is LabelQuadKeyframe => k.kind === 'label-quad' && k.plane === plane)
    .sort((a, b) => Math.abs(a.frame - frame) - Math.abs(b.frame - frame))[0];
  if (nearest) return nearest.quad.map((c) => [c[0], c[1]]) as Quad;
  return defaultQuad(width, height);
}

/** Every plane named by the keyframes, for suggestions. */
export function planeNames(list: readonly Keyframe[]): string[] {
  return [...new Set(list.flatMap((k) => (k.kind === 'label-quad' ? [k.plane] : [])))].sort();
}
