import { mediaSigner } from './signed-url';

describe('mediaSigner', () => {
  let now = Date.UTC(2026, 10, 25, 12, 0, 7);
  const signer = mediaSigner({ secret: 'x'.repeat(40), ttlS: 900, windowS: 300, now: () => now });
  const parse = (url: string) => {
    const u = new URL(url, 'http://h');
    return { key: decodeURIComponent(u.pathname.replace('/api/media/', '')), exp: u.searchParams.get('exp')!, sig: u.searchParams.get('sig')! };
  };

  it('signs a key and accepts it until it expires, rounded up to the window', () => {
    const { key, exp, sig } = parse(signer.url('renders/ab/cd.mp4'));
    expect(key).toBe('renders/ab/cd.mp4');
    expect(Number(exp) % 300).toBe(0);
    expect(Number(exp) - now / 1000).toBeGreaterThanOrEqual(900);
    expect(signer.verify(key, exp, sig)).toBe('ok');
    now += 1200 * 1000;
    expect(signer.verify(key, exp, sig)).toBe('expired');
    now -= 1200 * 1000;
  });

  it('hands out the same URL within a window (browsers can cache it)', () => {
    const a = signer.url('k.jpg');
    now += 60_000;
    expect(signer.url('k.jpg')).toBe(a);
    now -= 60_000;
  });

  it('refuses another key, a forged expiry, another secret and missing parameters', () => {
    const { exp, sig } = parse(signer.url('a.mp4'));
    expect(signer.verify('b.mp4', exp, sig)).toBe('bad-signature');
    expect(signer.verify('a.mp4', String(Number(exp) + 3600), sig)).toBe('bad-signature');
    const other = mediaSigner({ secret: 'y'.repeat(40), ttlS: 900, windowS: 300, now: () => now });
    expect(other.verify('a.mp4', exp, sig)).toBe('bad-signature');
    expect(signer.verify('a.mp4', undefined, sig)).toBe('missing');
    expect(signer.verify('a.mp4', 'soon', sig)).toBe('missing');
  });

  it('refuses a short secret', () => {
    expect(() => mediaSigner({ secret: 'short', ttlS: 1, windowS: 1 })).toThrow(/at least 32/);
  });
});
