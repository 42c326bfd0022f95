import { z } from 'zod';

/** Codes appear in URLs, storage keys and delivery names, so keep them boring. */
export const codeSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be 1-40 lower-case letters, digits or dashes, starting with a letter or digit');

/** Names of producer-defined dimensions (the built-in ones are market, label, background, aspect). */
export const dimensionNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,30}$/, 'must be 1-31 lower-case letters, digits or underscores, starting with a letter');

export const BUILTIN_DIMENSIONS = ['market', 'label', 'background', 'aspect'] as const;
export type BuiltinDimension = (typeof BUILTIN_DIMENSIONS)[number];

const copyText = z.union([z.string().max(1000), z.number().finite()]);
const unit = z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1');

/**
 * A market's copy deck: the fields label templates, supers and legal lines
 * draw on. `price` is a number; it is formatted in the market's locale and
 * currency when a cell is resolved.
 */
export const copyDeckSchema = z
  .object({
    headline: z.string().max(200).optional(),
    tagline: z.string().max(300).optional(),
    legal: z.string().max(1000).optional(),
    price: z.number().finite().nonnegative().optional(),
  })
  .catchall(copyText);

export const marketSchema = z.object({
  code: codeSchema,
  name: z.string().min(1).max(120),
  locale: z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a BCP 47 locale such as de-DE or ja-JP'),
  /** Defaults to the locale's language. */
  language: z.string().regex(/^[a-z]{2,3}$/, 'must be an ISO 639 code such as de or ja').optional(),
  /** Defaults from the language (ar, he, fa, ur → rtl). */
  direction: z.enum(['ltr', 'rtl']).optional(),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR or JPY').optional(),
  copy: copyDeckSchema.default({}),
  /** Name of the market's grade (a 3D LUT asset). */
  lut: z.string().min(1).max(200).optional(),
  fonts: z.array(z.string().min(1).max(200)).optional(),
  /** The group of brand managers who approve this market. */
  approvers: z.string().min(1).max(120).optional(),
});

export const labelSchema = z.object({
  code: codeSchema,
  name: z.string().min(1).max(120).optional(),
  /** Template name under templates/ (without extension). */
  template: z.string().regex(/^[a-z0-9-]+$/, 'must name a template in templates/'),
  /** Fields fixed by the label itself; they override the market's copy. */
  fields: z.record(z.string(), copyText).default({}),
  /** Restrict the label to these markets; omitted means every market. */
  markets: z.array(codeSchema).min(1).optional(),
});

export const backgroundSchema = z.object({
  code: codeSchema,
  name: z.string().min(1).max(120).optional(),
  /** An uploaded plate (see POST /campaigns/:id/plates); omitted keeps the master's own background. */
  plateId: z.string().uuid().optional(),
});

export const aspectSchema = z.object({
  code: codeSchema,
  name: z.string().min(1).max(120).optional(),
  ratio: z.string().regex(/^\d{1,2}:\d{1,2}$/, 'must look like 16:9'),
});

export const customValueSchema = z.object({
  code: codeSchema,
  name: z.string().min(1).max(120).optional(),
  params: z.record(z.string(), z.unknown()).default({}),
});

/** Parameters that can be set campaign-wide, per dimension value, or per cell. */
const settingsSchema = z.object({
  copy: copyDeckSchema.optional(),
  params: z.record(z.string(), z.unknown()).optional(),
  motionAdherence: unit.optional(),
  structureAdherence: unit.optional(),
});

/** A partial cell: dimension name → one code or a list of codes. */
const cellPatternSchema = z.record(dimensionNameSchema, z.union([codeSchema, z.array(codeSchema).min(1)]));

export const matrixSchema = z.object({
  defaults: settingsSchema.default({}),
  markets: z.array(marketSchema).min(1, 'a matrix needs at least one market'),
  labels: z.array(labelSchema).min(1, 'a matrix needs at least one label'),
  backgrounds: z.array(backgroundSchema).min(1, 'a matrix needs at least one background'),
  aspects: z.array(aspectSchema).min(1).optional(),
  /** Dimensions the producer names, e.g. `tone: [{code: warm}, {code: cool}]`. */
  dimensions: z.record(dimensionNameSchema, z.array(customValueSchema).min(1, 'a dimension needs at least one value')).optional(),
  /** Cells to leave out, e.g. `{market: jp, background: beach}`. */
  exclusions: z.array(cellPatternSchema).optional(),
  /** Per-cell settings, applied last, e.g. `{match: {market: de, label: classic}, copy: {price: 2.49}}`. */
  overrides: z
    .array(
      settingsSchema.extend({
        match: cellPatternSchema,
        /** Swap the label template for the matching cells. */
        template: z.string().regex(/^[a-z0-9-]+$/, 'must name a template in templates/').optional(),
      }),
    )
    .optional(),
});

export type CopyDeck = z.infer<typeof copyDeckSchema>;
export type MarketInput = z.infer<typeof marketSchema>;
export type LabelInput = z.infer<typeof labelSchema>;
export type BackgroundInput = z.infer<typeof backgroundSchema>;
export type AspectInput = z.infer<typeof aspectSchema>;
export type CustomValueInput = z.infer<typeof customValueSchema>;
export type MatrixSettings = z.infer<typeof settingsSchema>;
export type CellPattern = z.infer<typeof cellPatternSchema>;
export type MatrixInput = z.infer<typeof matrixSchema>;

/** A whole campaign as a file (YAML or JSON) that producers keep in version control. */
export const campaignFileSchema = matrixSchema.extend({
  shotmatrix: z.literal(1, { message: 'must be 1 (the campaign file format version)' }).default(1),
  name: z.string().trim().min(1, 'a campaign needs a name').max(200),
});
export type CampaignFile = z.infer<typeof campaignFileSchema>;

export const createCampaignSchema = z.object({
  name: z.string().trim().min(1, 'a campaign needs a name').max(200),
});
export type CreateCampaignInput = z.infer<typeof createCampaignSchema>;
