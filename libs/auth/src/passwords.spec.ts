import { hashPassword, passwordProblem, verifyPassword } from './passwords';
import { newToken, tokenHash, tokenKindOf } from './tokens';

describe('passwords', () => {
  it('hashes with argon2id and verifies only the right password', async () => {
    const stored = await hashPassword('correct horse battery');
    expect(stored).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(stored, 'correct horse battery')).toBe(true);
    expect(await verifyPassword(stored, 'correct horse batterY')).toBe(false);
    expect(await verifyPassword('not a hash', 'x')).toBe(false);
  });

  it('names what is wrong with a password', () => {
    expect(passwordProblem('short')).toMatch(/at least 10/);
    expect(passwordProblem(undefined)).toMatch(/required/);
    expect(passwordProblem('long enough here')).toBeNull();
  });
});

describe('tokens', () => {
  it('are random, prefixed by kind and stored as a hash', () => {
    const a = newToken('session');
    expect(a).toMatch(/^smx_s_[A-Za-z0-9_-]{43}$/);
    expect(newToken('session')).not.toBe(a);
    expect(tokenKindOf(newToken('api'))).toBe('api');
    expect(tokenKindOf('Bearer x')).toBeNull();
    expect(tokenHash(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(tokenHash(a)).toBe(tokenHash(a));
  });
});
