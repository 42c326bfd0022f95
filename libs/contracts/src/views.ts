/** Shapes the API returns; the dashboard and CLI read these. */

export type VariantStatus = 'queued' | 'rendering' | 'done' | 'failed';

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
}

export interface PlateView {
  id: string;
  filename: string;
  width: number;
  height: number;
  url: string;
}

export interface VariantView {
  id: string;
  campaignId: string;
  market: string;
  label: string;
  background: string;
  renderKey: string;
  status: VariantStatus;
  error: string | null;
  outputUrl: string | null;
  thumbnailUrl: string | null;
  frameCount: number | null;
  durationS: number | null;
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
  master: MasterShotView | null;
  plates: PlateView[];
  matrix: import('./matrix.schema').MatrixInput | null;
  variants: VariantView[];
}

/** Pushed over the campaign's server-sent event stream. */
export type CampaignEvent =
  | { type: 'variant'; variant: VariantView }
  | { type: 'snapshot'; variants: VariantView[] };

export interface ApiErrorBody {
  statusCode: number;
  code: string;
  message: string;
}
