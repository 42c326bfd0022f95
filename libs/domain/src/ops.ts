import { DomainError } from './errors';

/**
 * The ops board's arithmetic: throughput over a sliding window, per-campaign
 * progress and an ETA, and which renders an operator may retry or cancel.
 * Times are epoch milliseconds; "now" is always passed in (the database's
 * clock), so the maths is table-tested without timers.
 */

/** A render that finished at `at`, finishing `count` variants (cells sharing a render key finish together). */
export interface Finish {
  at: number;
  count: number;
}

/**
 * Under this, a rate is mostly noise: one render finishing 5 s after the run
 * began would otherwise read as 12 a minute.
 */
export const MIN_RATE_SPAN_MS = 30_000;

/**
 * Variants finished per minute over the window ending now: finishes in
 * (now − window, now] over the window's length. `since` (when the work began)
 * shortens the window for a run younger than it, so a campaign started two
 * minutes ago is not measured as if it had idled for the other thirteen; the
 * span never drops below MIN_RATE_SPAN_MS. Finishes "in the future" (clock
 * skew between hosts) count as now.
 */
export function ratePerMinute(finishes: readonly Finish[], now: number, windowMs: number, since?: number | null): number {
  if (!(windowMs > 0)) throw new RangeError('windowMs must be positive');
  const from = now - windowMs;
  let n = 0;
  for (const f of finishes) if (f.at > from) n += f.count;
  if (!n) return 0;
  const start = since != null && since > from ? since : from;
  const span = Math.max(now - start, MIN_RATE_SPAN_MS);
  return (n * 60_000) / span;
}

/** A campaign's cells by their render's state. */
export interface CampaignCounts {
  total: number;
  done: number;
  failed: number;
}

export interface Progress {
  /** Whole percent of cells rendered, rounded down: 100 only when every cell is done. */
  percent: number;
  /** Cells still to render (neither done nor failed). */
  remaining: number;
}

export function campaignProgress(c: CampaignCounts): Progress {
  const remaining = Math.max(0, c.total - c.done - c.failed);
  const percent = c.total > 0 ? Math.min(100, Math.floor((c.done * 100) / c.total)) : 0;
  return { percent, remaining };
}

/**
 * `finished`: nothing left to render (failures may remain: they wait for a retry).
 * `unknown`: work remains but nothing has finished recently, so there is no rate to go by.
 */
export type Eta = { state: 'finished' } | { state: 'unknown' } | { state: 'estimate'; seconds: number };

/** Time left at the recent rate, rounded up to the second. */
export function eta(remaining: number, perMinute: number): Eta {
  if (remaining <= 0) return { state: 'finished' };
  if (!(perMinute > 0) || !Number.isFinite(perMinute)) return { state: 'unknown' };
  return { state: 'estimate', seconds: Math.ceil((remaining / perMinute) * 60) };
}

export type RenderState = 'waiting' | 'queued' | 'rendering' | 'done' | 'failed';

/** Only a failed render is retried: anything else is either on its way or already rendered. */
export function checkRetry(renderKey: string, status: RenderState): DomainError | null {
  if (status === 'failed') return null;
  return new DomainError('RENDER_NOT_FAILED', `render ${renderKey} is ${status}; only failed renders can be retried`, 'conflict');
}

/**
 * How a cancel is carried out. `unqueue`: no worker has it yet — remove its
 * job and mark it failed here. `signal`: a worker is rendering it — ask the
 * worker to abort it (the worker marks it failed and does not retry).
 */
export type CancelPlan = 'unqueue' | 'signal';

export function cancelPlan(renderKey: string, status: RenderState): CancelPlan | DomainError {
  if (status === 'waiting' || status === 'queued') return 'unqueue';
  if (status === 'rendering') return 'signal';
  return new DomainError('RENDER_NOT_ACTIVE', `render ${renderKey} is ${status}; only waiting, queued or rendering renders can be cancelled`, 'conflict');
}

/** The error a cancelled render carries; the worker writes the same prefix (see render-variant.job). */
export const cancelledBy = (email: string) => `cancelled: by ${email}`;
