/** Queue names and job payloads shared by the API (producer) and the worker (consumer). */
export const QUEUES = { render: 'render' } as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/** Payloads carry ids only; handlers load the rows they need. */
export interface RenderJobPayload {
  variantId: string;
  renderKey: string;
}

/** Redis pub/sub channel on which the worker announces variant changes. */
export const VARIANT_EVENTS_CHANNEL = 'variant-events';
export interface VariantChangedMessage {
  campaignId: string;
  variantId: string;
}
