import { can, PERMISSIONS, roleHas, ROLES, type Permission, type Role } from './policy';

// Written out by hand (not derived from the grants) so a change to the policy has to change this table too.
const ALLOWED: Record<Permission, Role[]> = {
  self: ['admin', 'producer', 'brand-manager', 'ops', 'viewer'],
  'campaign:read': ['admin', 'producer', 'brand-manager', 'ops', 'viewer'],
  'campaign:write': ['admin', 'producer'],
  'variant:decide': ['admin', 'brand-manager'],
  'variant:comment': ['admin', 'producer', 'brand-manager'],
  'ops:read': ['admin', 'producer', 'ops'],
  'ops:operate': ['admin', 'ops'],
  'account:manage': ['admin'],
  'audit:read': ['admin', 'ops'],
  'webhook:manage': ['admin'],
};

describe('policy', () => {
  it('covers every permission', () => {
    expect(Object.keys(ALLOWED).sort()).toEqual([...PERMISSIONS].sort());
  });

  describe.each(ROLES.flatMap((role) => PERMISSIONS.map((p) => [role, p] as const)))('%s → %s', (role, permission) => {
    const expected = ALLOWED[permission].includes(role);
    it(`role ${expected ? 'has' : 'lacks'} it`, () => expect(roleHas(role, permission)).toBe(expected));
    it('market scope applies only to a brand manager’s market permissions', () => {
      const who = { role, markets: ['de'] };
      const scoped = role === 'brand-manager' && (permission === 'variant:decide' || permission === 'variant:comment');
      expect(can(who, permission, 'de')).toBe(expected);
      expect(can(who, permission, 'jp')).toBe(expected && !scoped);
    });
  });

  it('a brand manager with several markets decides in each of them and nowhere else', () => {
    const bm = { role: 'brand-manager' as const, markets: ['de', 'at'] };
    expect(['de', 'at', 'ch', 'jp'].map((m) => can(bm, 'variant:decide', m))).toEqual([true, true, false, false]);
    expect(can(bm, 'variant:decide')).toBe(false);
  });
});
