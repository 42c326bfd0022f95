/** The ops board's display rules. Plain TypeScript (no Angular), so they are table-tested. */
import type { EtaView, OpsCellView, QueueDepthView } from '@shotmatrix/contracts';

/** "45 s", "3 min", "1 h 5 min" — an ETA needs no more precision than that. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const minutes = Math.round(s / 60);
  if (minutes < 60) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m ? `${h} h ${m} min` : `${h} h`;
}

export function formatEta(eta: EtaView): string {
  switch (eta.state) {
    case 'finished':
      return 'Nothing left to render';
    case 'unknown':
      return 'ETA unknown: nothing finished recently';
    case 'estimate':
      return `About ${formatDuration(eta.seconds)} left`;
  }
}

/** "2.5/min"; small rates keep two decimals, so a slow queue does not read as stopped. */
export function formatRate(perMinute: number): string {
  if (!Number.isFinite(perMinute) || perMinute <= 0) return '0/min';
  const digits = perMinute >= 10 ? 0 : perMinute >= 1 ? 1 : 2;
  return `${Number(perMinute.toFixed(digits))}/min`;
}

export type QueueCountName = 'waiting' | 'active' | 'delayed' | 'failed';
export const QUEUE_COUNTS: readonly QueueCountName[] = ['waiting', 'active', 'delayed', 'failed'];

/**
 * Bar widths in percent of the deepest count on the board, so the queues
 * compare at a glance; a non-zero count always shows a sliver.
 */
export function depthBars(queues: readonly QueueDepthView[]): Map<string, Record<QueueCountName, number>> {
  const max = Math.max(1, ...queues.flatMap((q) => QUEUE_COUNTS.map((k) => q[k])));
  return new Map(
    queues.map((q) => [
      q.name,
      Object.fromEntries(QUEUE_COUNTS.map((k) => [k, q[k] > 0 ? Math.max(2, Math.round((q[k] / max) * 100)) : 0])) as Record<QueueCountName, number>,
    ]),
  );
}

/** "Summer: market=de;label=classic · +2 more" — which cells a render shows, shortly. */
export function describeCells(cells: readonly OpsCellView[], shown = 2): string {
  if (!cells.length) return 'No cell uses it';
  const head = cells.slice(0, shown).map((c) => `${c.campaignName}: ${c.cellKey}`);
  const more = cells.length - shown;
  return more > 0 ? `${head.join(' · ')} · +${more} more` : head.join(' · ');
}

/** How long to wait before opening the stream again after it failed `attempt` times in a row: 1 s doubling to 30 s. */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(30_000, 1000 * 2 ** Math.max(0, attempt - 1));
}
