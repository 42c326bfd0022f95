/** Queue names and job payloads shared by the API (producer) and the worker (consumer). */
export const QUEUES = { analyze: 'analyze', render: 'render' } as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/** Payloads carry ids only; handlers load the rows they need. The render key is also the job id. */
export interface RenderJobPayload {
  renderKey: string;
}

/** The analyze queue carries a master's analysis, or one label plane's track once that analysis is done. */
export type AnalyzeJobPayload = { analysisId: string; planeTrackId?: undefined } | { planeTrackId: string; analysisId?: undefined };

export interface JobPayloads {
  analyze: AnalyzeJobPayload;
  render: RenderJobPayload;
}

/** Redis pub/sub channel on which workers announce render changes. */
export const RENDER_EVENTS_CHANNEL = 'render-events';
export interface RenderChangedMessage {
  renderKey: string;
}

/** Redis pub/sub channel on which the API asks workers to abort a render they are running (ops board's cancel). */
export const RENDER_CANCEL_CHANNEL = 'render-cancel';
export interface RenderCancelMessage {
  renderKey: string;
  /** Becomes the render's error as `cancelled: <reason>`. */
  reason: string;
}

/** Redis pub/sub channel on which workers announce analysis progress and plane tracks of a master. */
export const ANALYSIS_EVENTS_CHANNEL = 'analysis-events';
export interface AnalysisChangedMessage {
  masterSha256: string;
}

/** Redis pub/sub channel on which API processes announce review changes (decisions) to each other's event streams. */
export const VARIANT_EVENTS_CHANNEL = 'variant-events';
export interface VariantsChangedMessage {
  variantIds: string[];
}
