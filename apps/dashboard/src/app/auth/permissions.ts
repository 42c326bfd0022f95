/**
 * Who may do what, for the signed-in person: the API's own policy table
 * (contracts' policy.ts) applied to their MeView. It only decides what to
 * offer: the API checks again on every call.
 */
import { can, isMarketScoped, roleHas, type MeView, type Permission, type RoleName } from '@shotmatrix/contracts';

export { PERMISSIONS, ROLES, type Permission } from '@shotmatrix/contracts';

export type Who = Pick<MeView, 'role' | 'markets' | 'permissions'>;

/**
 * May this person use the permission (on this market, where it is market-scoped)?
 * A brand manager asked without a market gets `false` for decide/comment: use
 * `holdsAnywhere` to ask "for some market".
 */
export function may(who: Who | null | undefined, permission: Permission, market?: string): boolean {
  // The list the API sent decides (it may narrow a role); the shared table adds the market scope.
  return !!who && who.permissions.includes(permission) && can(who, permission, market);
}

/** Does the person hold the permission for at least one market (or unscoped)? For showing a column or a panel at all. */
export function holdsAnywhere(who: Who | null | undefined, permission: Permission): boolean {
  if (!who || !who.permissions.includes(permission) || !roleHas(who.role, permission)) return false;
  return who.role !== 'brand-manager' || !isMarketScoped(permission) || who.markets.length > 0;
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
