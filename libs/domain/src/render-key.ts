import { createHash } from 'node:crypto';
import type { ResolvedRender } from './matrix';

/**
 * Bumped whenever the renderer's output for the same inputs changes, so that
 * every cached render is invalidated at once.
 */
export const RENDERER_VERSION = 'v0.3';

export interface RenderKeyInput {
  masterSha256: string;
  /** Version of the master's analysis the render uses (mattes, motion, …). */
  analysisVersion: string;
  templateSha256: string;
  /** Content hashes of every asset the render reads, by role (plate, lut, …); null when unused. */
  assets: Record<string, string | null>;
  render: ResolvedRender;
}

/** JSON with object keys sorted at every depth, so equal inputs hash equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Hash of everything that decides a variant's pixels: equal keys render once. */
export function renderKey(input: RenderKeyInput): string {
  // Assets count by content (the hashes in `assets`), not by which upload they came from.
  const { plateId: _plateId, ...pixels } = input.render;
  return createHash('sha256')
    .update(canonicalJson({ renderer: RENDERER_VERSION, ...input, render: pixels }))
    .digest('hex');
}

/**
 * Version of the master analysis. a0.2 measured the master and made the
 * constant-frame-rate mezzanine, a 540p proxy and a scrub sprite; a0.3 adds
 * the subject's matte (IS-Net with flow propagation, or a chroma key), camera
 * motion and colour statistics. Label planes are tracked per seed set on top
 * of an analysis and do not change its version.
 */
export const ANALYSER_VERSION = 'a0.3';
