/**
 * Header values and retry rules for the API's write requests. Pure, so they are
 * tested without Angular.
 */

/** `If-Match` for an edit of a campaign at `version` (an entity tag, so quoted). */
export function ifMatch(version: number): string {
  return `"${version}"`;
}

/**
 * A fresh `Idempotency-Key`, made once per user action: the same key is sent on
 * every retry of that action, so the API performs it at most once.
 */
export function newIdempotencyKey(): string {
  const c = globalThis.crypto;
  if (typeof c?.randomUUID === 'function') return c.randomUUID();
  // randomUUID needs a secure context; plain-http LAN hosts fall back to getRandomValues.
  const b = c.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * Failures worth retrying with the same Idempotency-Key: no answer at all, or a
 * gateway that gave up. Anything the API itself answered is final.
 */
export function isTransientFailure(err: unknown): boolean {
  const status = (err as { status?: unknown } | null)?.status;
  return status === 0 || status === 502 || status === 503 || status === 504;
}

export type CampaignFileType = 'application/yaml' | 'application/json';

/** Content-Type of a campaign file, by its extension; null for anything else. */
export function campaignFileType(filename: string): CampaignFileType | null {
  const dot = filename.lastIndexOf('.');
  const ext = dot > 0 ? filename.slice(dot + 1).toLowerCase() : '';
  if (ext === 'yaml' || ext === 'yml') return 'application/yaml';
  if (ext === 'json') return 'application/json';
  return null;
}
