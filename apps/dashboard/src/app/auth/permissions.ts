/**
 * The dashboard's mirror of who may do what, read from the signed-in person's
 * MeView. It only decides what to offer: the API checks again on every call.
 * Plain TypeScript (no Angular) so the rule is table-tested.
 */
import type { MeView, RoleName } from '@shotmatrix/contracts';

export const PERMISSIONS = [
  'self',
  'campaign:read',
  'campaign:write',
  'variant:decide',
  'variant:comment',
  'ops:read',
  'ops:operate',
  'account:manage',
  'audit:read',
  'webhook:manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLES: readonly RoleName[] = ['admin', 'producer', 'brand-manager', 'ops', 'viewer'];

/** Held by a brand manager only for the markets they answer for (as the API's policy says). */
const MARKET_SCOPED: ReadonlySet<Permission> = new Set<Permission>(['variant:decide', 'variant:comment']);

export type Who = Pick<MeView, 'role' | 'markets' | 'permissions'>;

/**
 * May this person use the permission (on this market, where it is market-scoped)?
 * A brand manager asked without a market gets `false` for decide/comment: use
 * `holdsAnywhere` to ask "for some market".
 */
export function may(who: Who | null | undefined, permission: Permission, market?: string): boolean {
  if (!who || !who.permissions.includes(permission)) return false;
  if (who.role !== 'brand-manager' || !MARKET_SCOPED.has(permission)) return true;
  return market !== undefined && who.markets.includes(market);
}

/** Does the person hold the permission for at least one market (or unscoped)? For showing a column or a panel at all. */
export function holdsAnywhere(who: Who | null | undefined, permission: Permission): boolean {
  if (!who || !who.permissions.includes(permission)) return false;
  return who.role !== 'brand-manager' || !MARKET_SCOPED.has(permission) || who.markets.length > 0;
}

export const ROLE_LABEL: Record<RoleName, string> = {
  admin: 'Admin',
  producer: 'Producer',
  'brand-manager': 'Brand manager',
  ops: 'Ops',
  viewer: 'Viewer',
};

/** "Producer", or "Brand manager · de, fr" — the role as the header shows it. */
export function describeRole(who: Pick<MeView, 'role' | 'markets'>): string {
  const label = ROLE_LABEL[who.role] ?? who.role;
  if (who.role !== 'brand-manager') return label;
  return who.markets.length ? `${label} · ${who.markets.join(', ')}` : `${label} · no markets`;
}
