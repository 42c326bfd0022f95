/** The ops board: what `GET /api/ops/summary` answers and `GET /api/ops/events` streams. */

export interface QueueDepthView {
  name: 'analyze' | 'render';
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  /** Worker connections listening on this queue (BullMQ `getWorkers`); null where Redis will not list clients. */
  workers: number | null;
}

export interface ThroughputView {
  /** Variants (cells) whose render finished, per minute, over the last 5 and 15 minutes. */
  perMinute5: number;
  perMinute15: number;
}

/** `finished`: nothing left to render (failures may remain); `unknown`: nothing finished recently, so no rate yet. */
export type EtaView = { state: 'finished' } | { state: 'unknown' } | { state: 'estimate'; seconds: number };

export interface OpsCampaignView {
  id: string;
  name: string;
  /** Cells of the campaign, by their render's state. */
  total: number;
  done: number;
  failed: number;
  rendering: number;
  queued: number;
  waiting: number;
  /** Whole percent done (rounded down). */
  percent: number;
  /** Variants per minute recently finished for this campaign (the ETA's rate). */
  perMinute: number;
  eta: EtaView;
}

export interface OpsCellView {
  variantId: string;
  campaignId: string;
  campaignName: string;
  cellKey: string;
}

export interface OpsRenderView {
  renderKey: string;
  status: 'waiting' | 'queued' | 'rendering' | 'done' | 'failed';
  error: string | null;
  attempts: number;
  startedAt: string | null;
  finishedAt: string | null;
  /** Every cell showing this render (cells with identical pixels share one). */
  cells: OpsCellView[];
}

export interface OpsSummaryView {
  at: string;
  queues: QueueDepthView[];
  throughput: ThroughputView;
  /** Campaigns with work left, or with a render finished in the last 15 minutes. */
  campaigns: OpsCampaignView[];
  /** The latest failed renders, newest first. */
  failures: OpsRenderView[];
  /** Renders being rendered, then the oldest queued ones. */
  inFlight: OpsRenderView[];
}

/** An SSE message on `/api/ops/events`. */
export type OpsEvent = { type: 'summary'; summary: OpsSummaryView };

/**
 * What a retry or cancel did. `queued`: back in the render queue; `waiting`: back, waiting for the master's
 * analysis; `cancelled`: taken off the queue; `stopping`: marked cancelled, and its worker asked to stop it.
 */
export interface OpsActionView {
  outcome: 'queued' | 'waiting' | 'cancelled' | 'stopping';
  render: OpsRenderView;
}
