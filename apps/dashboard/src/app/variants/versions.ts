/** Versions of a variant (one per render) and which two to compare. Pure, so it is table-tested. */
import type { VariantVersionView } from '@shotmatrix/contracts';

/** Versions that can be played (a finished render with a video). */
export function playableVersions(versions: readonly VariantVersionView[]): VariantVersionView[] {
  return versions.filter((v) => v.status === 'done' && v.outputUrl !== null);
}

export interface ComparePair {
  a: number;
  b: number;
}

/**
 * What "compare" starts with: the current version against the one before it
 * that can be played (the change a reviewer is asked to look at); null when
 * fewer than two versions can be played.
 */
export function defaultComparePair(versions: readonly VariantVersionView[]): ComparePair | null {
  const playable = playableVersions(versions);
  if (playable.length < 2) return null;
  const current = playable.find((v) => v.current) ?? playable[playable.length - 1];
  const before = playable.filter((v) => v.version < current.version);
  const other = before.length ? before[before.length - 1] : playable.find((v) => v.version !== current.version)!;
  return { a: current.version, b: other.version };
}

/** "v3 (current)" */
export function versionLabel(v: Pick<VariantVersionView, 'version' | 'current'>): string {
  return `v${v.version}${v.current ? ' (current)' : ''}`;
}

/** Newest first, as the API sends them: "approved by ana@x.com", "rejected", or "no decision". */
export function decisionSummary(v: Pick<VariantVersionView, 'decisions'>): string {
  const last = v.decisions[0];
  if (!last) return 'no decision';
  return `${last.decision}${last.by ? ` by ${last.by}` : ''}${v.decisions.length > 1 ? ` (${v.decisions.length} decisions)` : ''}`;
}
