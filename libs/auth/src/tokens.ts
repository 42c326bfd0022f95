import { createHash, randomBytes } from 'node:crypto';

export type TokenKind = 'session' | 'api' | 'invitation';

const PREFIX: Record<TokenKind, string> = { session: 'smx_s_', api: 'smx_t_', invitation: 'smx_i_' };

/** A fresh secret for a session, an API token or an invitation; only its hash is stored. */
export function newToken(kind: TokenKind): string {
  return PREFIX[kind] + randomBytes(32).toString('base64url');
}

/** Tokens carry 256 random bits, so one unsalted SHA-256 is enough to make a leaked table useless. */
export const tokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');

export const tokenKindOf = (token: string): TokenKind | null =>
  (Object.entries(PREFIX) as Array<[TokenKind, string]>).find(([, p]) => token.startsWith(p))?.[0] ?? null;
