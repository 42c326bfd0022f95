import { campaignFileType, ifMatch, isTransientFailure, newIdempotencyKey } from './request-headers';

describe('request headers', () => {
  it('quotes the version as an entity tag', () => {
    expect(ifMatch(7)).toBe('"7"');
  });

  it('makes a new v4 UUID per action', () => {
    const a = newIdempotencyKey();
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(newIdempotencyKey()).not.toBe(a);
  });

  it('falls back to getRandomValues where randomUUID is missing (insecure context)', () => {
    // randomUUID lives on Crypto.prototype; an own property hides it for the test.
    Object.defineProperty(globalThis.crypto, 'randomUUID', { value: undefined, configurable: true });
    try {
      expect(newIdempotencyKey()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    } finally {
      delete (globalThis.crypto as { randomUUID?: unknown }).randomUUID;
    }
    expect(typeof globalThis.crypto.randomUUID).toBe('function');
  });

  it.each([
    [0, true],
    [502, true],
    [503, true],
    [504, true],
    [400, false],
    [409, false],
    [500, false],
  ])('status %p is transient: %p', (status, transient) => {
    expect(isTransientFailure({ status })).toBe(transient);
  });

  it('types campaign files by extension', () => {
    expect(campaignFileType('spring.YAML')).toBe('application/yaml');
    expect(campaignFileType('spring.yml')).toBe('application/yaml');
    expect(campaignFileType('spring.json')).toBe('application/json');
    expect(campaignFileType('spring.csv')).toBeNull();
    expect(campaignFileType('yaml')).toBeNull();
  });
});
