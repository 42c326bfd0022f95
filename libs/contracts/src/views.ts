import { z } from 'zod';
import type { QcReport } from './qc';
/** Shapes the API returns; the dashboard and CLI read these. */

export type VariantStatus = 'queued' | 'rendering' | 'done' | 'failed';

/** The master's analysis: made once per master, the renders wait for it. */
export interface AnalysisView {
  status: 'queued' | 'running' | 'done' | 'failed';
  error: string | null;
  /** 540p H.264 proxy for review and scrubbing. */
  proxyUrl: string | null;
  /** Scrub sprite: a grid of evenly spaced frames; tile i shows the frame at i × intervalS. */
  spriteUrl: string | null;
  sprite: { columns: number; rows: number; tileWidth: number; tileHeight: number; intervalS: number } | null;
  /** What the worker is doing now ("mattes", "camera motion", …) and how far it is, 0…1; null when idle. */
  stage: string | null;
  progress: number | null;
  /** Present once done. */
  frameCount: number | null;
  fps: number | null;
  width: number | null;
  height: number | null;
  /** `isnet` (learned matte) or `chroma` (keyed green/blue screen), chosen from the footage. */
  mattingMode: 'isnet' | 'chroma' | null;
  /** ONNX Runtime execution provider that ran IS-Net: `cuda` when a GPU was there, else `cpu`. */
  executionProvider: 'cuda' | 'cpu' | null;
  /** Frames on which IS-Net ran (every k-th plus re-runs where propagation lost confidence). */
  matteKeyframes: number[] | null;
  matteStride: number | null;
  cameraMotionUrl: string | null;
  /** Share of frames whose camera motion could be measured (confidence ≥ 0.4); a flat key wall gives 0. */
  cameraMotionMeasured: number | null;
  colourStatsUrl: string | null;
  /** Label planes tracked from the master's `label-quad` keyframes, one entry per plane. */
  planes: PlaneTrackView[];
}

export interface PlaneTrackView {
  plane: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  error: string | null;
  /** JSON PlaneTrack once done. */
  trackUrl: string | null;
}

export interface KeyframesView {
  /** Send back as `If-Match` to change them. */
  version: number;
  keyframes: import('./keyframes').Keyframe[];
}

export interface MasterShotView {
  id: string;
  filename: string;
  width: number;
  height: number;
  fps: number;
  frameCount: number;
  durationS: number;
  hasAudio: boolean;
  url: string;
  thumbnailUrl: string | null;
  analysis: AnalysisView | null;
}

export interface PlateView {
  id: string;
  filename: string;
  width: number;
  height: number;
  kind: 'image' | 'video';
  url: string;
}

/** A market grade uploaded to the campaign; markets name it in `lut`. */
export interface LutView {
  id: string;
  name: string;
  filename: string;
  size: number;
  sha256: string;
}

export interface ApprovalView {
  /** Send it back as `basedOn` with the next decision: a decision based on an older one gets a 409. */
  id: string;
  decision: 'approved' | 'rejected';
  comment: string | null;
  /** True when the variant's render key changed after the decision: it needs a new look. */
  stale: boolean;
  by: string | null;
  at: string;
}

export interface VariantView {
  id: string;
  campaignId: string;
  /** Stable identity of the cell: `market=de;label=classic;background=beach[;aspect=…;<dimension>=…]`. */
  cellKey: string;
  /** Every dimension's code for this cell, built-in and producer-defined. */
  coords: Record<string, string>;
  market: string;
  label: string;
  background: string;
  approval: ApprovalView | null;
  renderKey: string;
  status: VariantStatus;
  error: string | null;
  outputUrl: string | null;
  thumbnailUrl: string | null;
  frameCount: number | null;
  durationS: number | null;
  /** Every deliverable of a done render, by kind (draft, master, prores, hdr10; exr is a folder of frames). */
  outputs: Record<string, string>;
  /** QC of the done render; null until then. */
  qc: QcReport | null;
  updatedAt: string;
}

export interface StatusCounts {
  queued: number;
  rendering: number;
  done: number;
  failed: number;
  total: number;
}

export interface CampaignSummaryView {
  id: string;
  name: string;
  createdAt: string;
  hasMaster: boolean;
  counts: StatusCounts;
}

export interface CampaignView extends CampaignSummaryView {
  /** Optimistic-concurrency version: send it back as `If-Match: "<version>"` with every edit. */
  version: number;
  master: MasterShotView | null;
  plates: PlateView[];
  luts: LutView[];
  matrix: import('./matrix.schema').MatrixInput | null;
  variants: VariantView[];
}

/** What an expansion did (POST /campaigns/:id/expand returns it beside the campaign). */
export interface ExpansionSummary {
  cells: number;
  created: number;
  changed: number;
  unchanged: number;
  removed: number;
  /** Renders queued (distinct render keys); cells sharing a key render once. */
  queued: number;
  /** Cells whose render key already had a render (done or in flight). */
  reused: number;
}

export interface ExpandResponse extends CampaignView {
  expansion: ExpansionSummary;
}

/** Pushed over the campaign's server-sent event stream. */
export type CampaignEvent =
  | { type: 'variant'; variant: VariantView }
  | { type: 'snapshot'; variants: VariantView[] }
  /** The master's analysis moved on (stage, progress, plane tracks). */
  | { type: 'master'; master: MasterShotView };

export interface ApiErrorBody {
  statusCode: number;
  code: string;
  message: string;
  /** Every problem found, when validation found several (the message is the first). */
  problems?: string[];
}

export interface CommentView {
  id: string;
  variantId: string;
  parentId: string | null;
  /** The render (version) it was made on, and that version's number for this variant (1 = first). */
  renderKey: string;
  version: number | null;
  frame: number;
  /** Normalised 0..1 rectangle, when the reviewer drew one. */
  region: { x: number; y: number; w: number; h: number } | null;
  body: string;
  author: string;
  createdAt: string;
  resolvedAt: string | null;
  resolvedBy: string | null;
}

export interface CommentThreadView extends CommentView {
  replies: CommentView[];
}

/** One render a variant has had; a re-render with changed settings is a new version. */
export interface VariantVersionView {
  version: number;
  renderKey: string;
  createdAt: string;
  current: boolean;
  status: VariantStatus;
  outputUrl: string | null;
  thumbnailUrl: string | null;
  qc: QcReport | null;
  /** Decisions taken on this version, newest first. */
  decisions: Array<{ id: string; decision: 'approved' | 'rejected'; by: string | null; at: string; comment: string | null }>;
}

export interface NotificationView {
  id: string;
  type: string;
  campaignId: string | null;
  variantId: string | null;
  message: string;
  createdAt: string;
  read: boolean;
}

/** What webhooks can subscribe to. */
export const WEBHOOK_EVENTS = ['variant.rendered', 'variant.failed', 'variant.approved', 'variant.rejected', 'comment.created'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

export interface WebhookView {
  id: string;
  url: string;
  events: WebhookEventType[];
  createdAt: string;
  disabled: boolean;
  /** Only in the response that created it. */
  secret?: string;
}

/** `POST /api/webhooks`; the URL's scheme and address are checked by the API (it knows whether private addresses are allowed). */
export const webhookCreateSchema = z
  .object({
    url: z.string().trim().min(1, 'is empty').max(2048, 'is longer than 2048 characters'),
    events: z
      .array(z.enum(WEBHOOK_EVENTS, { message: `must be one of ${WEBHOOK_EVENTS.join(', ')}` }))
      .min(1, 'subscribe to at least one event')
      .max(WEBHOOK_EVENTS.length * 4),
  })
  .strict();

/** One attempt history of a webhook: `ping` for test deliveries, else one of WEBHOOK_EVENTS. */
export interface WebhookDeliveryView {
  /** Also sent as `Shotmatrix-Delivery` and in the body's `id`: receivers drop a second request with the same id. */
  id: string;
  event: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  /** The receiver's HTTP status on the latest attempt (null: no answer — refused, timed out, unreachable). */
  responseStatus: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
  /** When a pending delivery is tried next. */
  nextAttemptAt: string | null;
}
