import { signWebhook, verifyWebhook } from './webhook-signature';

describe('webhook signatures', () => {
  const secret = 'whsec_test';
  const body = JSON.stringify({ type: 'variant.approved', id: 'd1' });

  it('verifies what it signed, within the tolerance', () => {
    const header = signWebhook(secret, body, 1_000_000);
    expect(header).toMatch(/^t=1000000,v1=[0-9a-f]{64}$/);
    expect(verifyWebhook(secret, body, header, 1_000_100)).toBe('ok');
  });

  it('refuses a changed body, another secret, a replay after the tolerance and junk', () => {
    const header = signWebhook(secret, body, 1_000_000);
    expect(verifyWebhook(secret, body.replace('approved', 'rejected'), header, 1_000_000)).toBe('bad-signature');
    expect(verifyWebhook('other', body, header, 1_000_000)).toBe('bad-signature');
    expect(verifyWebhook(secret, body, header, 1_000_301)).toBe('too-old');
    // Moving the timestamp forward to dodge the tolerance breaks the signature.
    expect(verifyWebhook(secret, body, header.replace('t=1000000', 't=1000300'), 1_000_301)).toBe('bad-signature');
    expect(verifyWebhook(secret, body, undefined, 1)).toBe('malformed');
    expect(verifyWebhook(secret, body, 't=1,v1=zz', 1)).toBe('malformed');
  });
});
