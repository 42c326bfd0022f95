import { LoginThrottle } from './login-throttle';

describe('LoginThrottle', () => {
  let t = 0;
  const make = () => new LoginThrottle({ windowMs: 60_000, perAccount: 3, perClient: 5, now: () => t });

  it('locks an address after its failures, for the rest of the window, whatever the case of the address', () => {
    t = 0;
    const th = make();
    for (let i = 0; i < 3; i++) {
      expect(th.retryAfterS('Ana@x.com', 'ip1')).toBe(0);
      th.failed('ana@x.com', 'ip1');
      t += 1000;
    }
    expect(th.retryAfterS('ANA@x.com', 'ip2')).toBe(57);
    t = 60_001;
    expect(th.retryAfterS('ana@x.com', 'ip1')).toBe(0);
  });

  it('locks a client that sprays many addresses, and forgets an address that then signs in', () => {
    t = 0;
    const th = make();
    for (let i = 0; i < 5; i++) th.failed(`u${i}@x.com`, 'ip9');
    expect(th.retryAfterS('new@x.com', 'ip9')).toBe(60);
    expect(th.retryAfterS('new@x.com', 'ip8')).toBe(0);
    th.failed('b@x.com', 'ip7');
    th.failed('b@x.com', 'ip7');
    th.succeeded('b@x.com');
    th.failed('b@x.com', 'ip7');
    expect(th.retryAfterS('b@x.com', 'ip6')).toBe(0);
  });
});
