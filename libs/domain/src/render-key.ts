import { createHash } from 'node:crypto';

/**
 * Bumped whenever the renderer's output for the same inputs changes, so that
 * every cached render is invalidated at once.
 */
export const RENDERER_VERSION = 'v0.1';

export interface RenderKeyInput {
  masterSha256: string;
  templateName: string;
  templateSha256: string;
  fields: Record<string, string | number>;
  locale: string;
  plateSha256: string | null;
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

/** Hash of everything that decides a variant's pixels. */
export function renderKey(input: RenderKeyInput): string {
  return createHash('sha256')
    .update(canonicalJson({ renderer: RENDERER_VERSION, ...input }))
    .digest('hex');
}
