import { z } from 'zod';

/** Codes appear in URLs, storage keys and delivery names, so keep them boring. */
export const codeSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be 1-40 lower-case letters, digits or dashes, starting with a letter or digit');

const copyValue = z.union([z.string().max(500), z.number()]);

export const marketSchema = z.object({
  code: codeSchema,
  name: z.string().min(1).max(120),
  locale: z.string().min(2).max(35),
  /** The market's copy deck: fields a label template can use (headline, price, …). */
  copy: z.record(z.string(), copyValue).default({}),
});

export const labelSchema = z.object({
  code: codeSchema,
  name: z.string().min(1).max(120).optional(),
  /** Template name under templates/ (without extension). */
  template: z.string().regex(/^[a-z0-9-]+$/, 'must name a template in templates/'),
  /** Fields fixed by the label itself; market copy fills the rest. */
  fields: z.record(z.string(), copyValue).default({}),
  /** Restrict the label to these markets; omitted means every market. */
  markets: z.array(codeSchema).min(1).optional(),
});

export const backgroundSchema = z.object({
  code: codeSchema,
  name: z.string().min(1).max(120).optional(),
  /** An uploaded plate (see POST /campaigns/:id/plates); omitted keeps the master's own background. */
  plateId: z.string().uuid().optional(),
});

export const matrixSchema = z.object({
  markets: z.array(marketSchema).min(1, 'a matrix needs at least one market'),
  labels: z.array(labelSchema).min(1, 'a matrix needs at least one label'),
  backgrounds: z.array(backgroundSchema).min(1, 'a matrix needs at least one background'),
});

export type MarketInput = z.infer<typeof marketSchema>;
export type LabelInput = z.infer<typeof labelSchema>;
export type BackgroundInput = z.infer<typeof backgroundSchema>;
export type MatrixInput = z.infer<typeof matrixSchema>;

export const createCampaignSchema = z.object({
  name: z.string().trim().min(1, 'a campaign needs a name').max(200),
});
export type CreateCampaignInput = z.infer<typeof createCampaignSchema>;
