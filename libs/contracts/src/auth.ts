import { z } from 'zod';
import { codeSchema } from './matrix.schema';
import { ROLES, type Role } from './policy';

export type RoleName = Role;

export interface MeView {
  id: string;
  email: string;
  name: string;
  role: RoleName;
  /** Markets a brand manager answers for. */
  markets: string[];
  /** What the dashboard may offer (the API checks again on every call). */
  permissions: string[];
}

export interface AccountView {
  id: string;
  email: string;
  name: string;
  role: RoleName;
  markets: string[];
  disabled: boolean;
  createdAt: string;
}

export interface InvitationView {
  id: string;
  email: string;
  role: RoleName;
  markets: string[];
  expiresAt: string;
  /** Only in the response that created it: the link to pass on (it is not stored). */
  token?: string;
  acceptPath?: string;
}

export interface ApiTokenView {
  /** The start of the stored hash: names the token in lists and in DELETE /auth/tokens/:id. */
  id: string;
  label: string;
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
}

export interface AuditEntryView {
  id: string;
  at: string;
  actor: string | null;
  action: string;
  entity: string;
  entityId: string | null;
  campaignId: string | null;
  before: unknown;
  after: unknown;
}

const roleEnum = z.enum(ROLES, { message: `must be one of ${ROLES.join(', ')}` });
// The matrix's own code rule: a market a brand manager answers for must be one a matrix can name.
const marketCodes = z.array(codeSchema).max(200);

/** A brand manager without markets could approve nothing; anyone else with markets would be misleading. */
const scoped = <T extends { role?: RoleName; markets?: string[] }>(v: T, ctx: z.RefinementCtx) => {
  if (v.role === 'brand-manager' && !v.markets?.length) ctx.addIssue({ code: 'custom', path: ['markets'], message: 'a brand manager needs at least one market' });
  if (v.role && v.role !== 'brand-manager' && v.markets?.length) ctx.addIssue({ code: 'custom', path: ['markets'], message: 'only brand managers are scoped to markets' });
};

export const loginSchema = z.object({ email: z.string().min(1, 'is empty'), password: z.string().min(1, 'is empty') }).strict();

export const inviteSchema = z
  .object({ email: z.string().email('must be an e-mail address'), role: roleEnum, markets: marketCodes.default([]) })
  .strict()
  .superRefine(scoped);

export const acceptInvitationSchema = z
  .object({ token: z.string().min(1, 'is empty'), name: z.string().trim().min(1, 'is empty').max(120), password: z.string() })
  .strict();

export const accountUpdateSchema = z
  .object({ role: roleEnum.optional(), markets: marketCodes.optional(), disabled: z.boolean().optional(), name: z.string().trim().min(1).max(120).optional() })
  .strict();

export const decisionSchema = z
  .object({
    decision: z.enum(['approved', 'rejected'], { message: 'must be "approved" or "rejected"' }),
    comment: z.string().trim().max(4000).nullable().default(null),
    /** The latest decision's id as the reviewer saw it (null: none). */
    basedOn: z.string().uuid('must be a decision id').nullable(),
    /** Where a rejection's comment is pinned (default: frame 0). */
    frame: z.number().int().min(0).optional(),
  })
  .strict();

export const bulkDecisionSchema = z
  .object({
    decision: z.literal('approved', { message: 'bulk decisions can only approve; reject cells one by one with a comment' }),
    variants: z
      .array(z.object({ id: z.string().uuid('must be a variant id'), basedOn: z.string().uuid('must be a decision id').nullable() }).strict())
      .min(1, 'name at least one variant')
      .max(2000),
  })
  .strict();

const region = z
  .object({ x: z.number().min(0).max(1), y: z.number().min(0).max(1), w: z.number().min(0).max(1), h: z.number().min(0).max(1) })
  .strict()
  .refine((r) => r.x + r.w <= 1.0001 && r.y + r.h <= 1.0001, 'must lie inside the frame (0..1)');

export const commentSchema = z
  .object({
    body: z.string().trim().min(1, 'is empty').max(4000),
    frame: z.number().int('must be a whole frame number').min(0),
    region: region.nullable().optional(),
    parentId: z.string().uuid('must be a comment id').nullable().optional(),
  })
  .strict();

export const apiTokenSchema = z.object({ label: z.string().trim().min(1, 'is empty').max(80) }).strict();
