import type { MeView } from '@shotmatrix/contracts';
import { describeRole, holdsAnywhere, may } from './permissions';

const person = (over: Partial<MeView>): MeView => ({
  id: 'a',
  email: 'a@example.com',
  name: 'A',
  role: 'viewer',
  markets: [],
  permissions: ['self', 'campaign:read'],
  ...over,
});

const producer = person({ role: 'producer', permissions: ['self', 'campaign:read', 'campaign:write', 'variant:comment', 'ops:read'] });
const brandManager = person({ role: 'brand-manager', markets: ['de', 'fr'], permissions: ['self', 'campaign:read', 'variant:decide', 'variant:comment'] });
const viewer = person({});

describe('may', () => {
  it.each([
    ['nobody signed in', null, 'campaign:read', undefined, false],
    ['a viewer reads', viewer, 'campaign:read', undefined, true],
    ['a viewer writes', viewer, 'campaign:write', undefined, false],
    ['a producer writes', producer, 'campaign:write', undefined, true],
    ['a producer comments on any market', producer, 'variant:comment', 'jp', true],
    ['a producer comments without a market', producer, 'variant:comment', undefined, true],
    ['a producer decides', producer, 'variant:decide', 'de', false],
    ['a brand manager decides for their market', brandManager, 'variant:decide', 'de', true],
    ['a brand manager decides for another market', brandManager, 'variant:decide', 'jp', false],
    ['a brand manager decides without a market', brandManager, 'variant:decide', undefined, false],
    ['a brand manager comments for their market', brandManager, 'variant:comment', 'fr', true],
    ['a brand manager comments for another market', brandManager, 'variant:comment', 'us', false],
    ['a brand manager reads any campaign', brandManager, 'campaign:read', 'jp', true],
    ['a brand manager writes', brandManager, 'campaign:write', 'de', false],
  ] as const)('%s', (_what, who, permission, market, expected) => {
    expect(may(who, permission, market)).toBe(expected);
  });

  it('trusts the permission list, not the role name', () => {
    expect(may(person({ role: 'admin', permissions: ['self'] }), 'account:manage')).toBe(false);
  });
});

describe('holdsAnywhere', () => {
  it('is true for a brand manager with markets, false without', () => {
    expect(holdsAnywhere(brandManager, 'variant:decide')).toBe(true);
    expect(holdsAnywhere({ ...brandManager, markets: [] }, 'variant:decide')).toBe(false);
  });

  it('follows the permission list for everyone else', () => {
    expect(holdsAnywhere(producer, 'variant:comment')).toBe(true);
    expect(holdsAnywhere(producer, 'variant:decide')).toBe(false);
    expect(holdsAnywhere(null, 'self')).toBe(false);
  });
});

describe('describeRole', () => {
  it('names the role, and a brand manager\'s markets', () => {
    expect(describeRole(producer)).toBe('Producer');
    expect(describeRole(brandManager)).toBe('Brand manager · de, fr');
    expect(describeRole({ role: 'brand-manager', markets: [] })).toBe('Brand manager · no markets');
  });
});
