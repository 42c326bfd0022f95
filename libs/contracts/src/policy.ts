/**
 * Who may do what. One table, read by the API's guard (may this role call the
 * endpoint at all?), by services (may this person act on this market?) and by
 * the dashboard (which controls to offer). Pure: no I/O, so the whole matrix
 * is table-tested, and it lives here so the browser uses the same table.
 */
export const ROLES = ['admin', 'producer', 'brand-manager', 'ops', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  /** See campaigns, boards, variants, QC, comments. */
  'campaign:read',
  /** Create and edit campaigns: masters, plates, LUTs, keyframes, the matrix, expansion, re-renders. */
  'campaign:write',
  /** Approve or reject variants (market-scoped for brand managers). */
  'variant:decide',
  /** Comment on variants, reply, resolve (market-scoped for brand managers). */
  'variant:comment',
  /** The ops board: queues, workers, throughput, failures. */
  'ops:read',
  /** Retry and cancel renders. */
  'ops:operate',
  /** Invite people, change roles and markets, disable accounts. */
  'account:manage',
  /** Read the audit log. */
  'audit:read',
  /** Register and remove webhooks. */
  'webhook:manage',
  /** One's own account: who am I, sign out, personal API tokens, notifications. */
  'self',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const GRANTS: Record<Role, readonly Permission[]> = {
  admin: PERMISSIONS,
  producer: ['self', 'campaign:read', 'campaign:write', 'variant:comment', 'ops:read'],
  'brand-manager': ['self', 'campaign:read', 'variant:decide', 'variant:comment'],
  ops: ['self', 'campaign:read', 'ops:read', 'ops:operate', 'audit:read'],
  viewer: ['self', 'campaign:read'],
};

/** Permissions a brand manager holds only for the markets they are scoped to. */
const MARKET_SCOPED: ReadonlySet<Permission> = new Set(['variant:decide', 'variant:comment']);
export const isMarketScoped = (p: Permission) => MARKET_SCOPED.has(p);

export interface Principal {
  id: string;
  email: string;
  name: string;
  role: Role;
  /** Market codes a brand manager answers for; empty for every other role. */
  markets: string[];
}

/** May this role use the permission at all (for some market)? The guard's question. */
export function roleHas(role: Role, permission: Permission): boolean {
  return GRANTS[role].includes(permission);
}

/**
 * May this person use the permission on this market? Brand managers only on
 * their own markets; everyone else as their role allows.
 */
export function can(who: Pick<Principal, 'role' | 'markets'>, permission: Permission, market?: string): boolean {
  if (!roleHas(who.role, permission)) return false;
  if (who.role !== 'brand-manager' || !MARKET_SCOPED.has(permission)) return true;
  return market !== undefined && who.markets.includes(market);
}

/** Every permission a person holds, for the dashboard to show or hide controls (the API checks again). */
export function permissionsOf(role: Role): Permission[] {
  return [...GRANTS[role]];
}

export const isRole = (v: unknown): v is Role => typeof v === 'string' && (ROLES as readonly string[]).includes(v);
export const isPermission = (v: unknown): v is Permission => typeof v === 'string' && (PERMISSIONS as readonly string[]).includes(v);
