import { addressKind, addressProblem, webhookUrlProblem } from './webhook-url';

describe('addressKind', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'shared'],
    ['169.254.169.254', 'link-local'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456:789a::1', 'unique-local'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['64:ff9b::a00:1', 'private'],
    ['2002:c0a8:101::1', 'private'],
    ['::127.0.0.1', 'reserved'],
    ['2001:db8::1', 'reserved'],
  ])('%s is %s', (ip, kind) => {
    expect(addressKind(ip)).toBe(kind);
  });

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '172.15.255.255', '100.128.0.1', '169.255.0.1', '2606:4700:4700::1111', '::ffff:808:808', '64:ff9b::808:808', '2002:808:808::1'])(
    '%s is public',
    (ip) => {
      expect(addressKind(ip)).toBeNull();
    },
  );

  it('is null for names', () => {
    expect(addressKind('hooks.example.com')).toBeNull();
  });
});

describe('addressProblem', () => {
  it('names the host, what it resolved to and why it is refused', () => {
    expect(addressProblem('internal.example', '10.0.0.7')).toBe(
      'internal.example resolves to 10.0.0.7, which is a private address; webhooks may only call public addresses (WEBHOOK_ALLOW_PRIVATE=true allows private ones, for on-premises receivers)',
    );
    expect(addressProblem('0.0.0.0', '0.0.0.0')).toMatch(/^0\.0\.0\.0 is an unspecified address;/);
    expect(addressProblem('hooks.example.com', '93.184.216.34')).toBeNull();
  });
});

describe('webhookUrlProblem', () => {
  const refused = (url: string) => webhookUrlProblem(url, false);

  it.each([
    ['https://hooks.example.com/shotmatrix'],
    ['http://hooks.example.com:8080/in?team=7'],
    ['https://93.184.216.34/hook'],
    ['https://[2606:4700:4700::1111]/hook'],
  ])('accepts %s', (url) => {
    expect(refused(url)).toBeNull();
  });

  it.each([
    ['not a url', /^url: "not a url" is not an absolute URL/],
    ['/relative/path', /is not an absolute URL/],
    ['ftp://hooks.example.com/x', /^url: webhooks are sent over https:\/\/ or http:\/\/, not ftp:\/\/$/],
    ['file:///etc/passwd', /not file:\/\//],
    ['javascript:alert(1)', /not javascript:\/\//],
    ['https://user:secret@hooks.example.com/x', /^url: must not contain a user name or password/],
    ['https://token@hooks.example.com/x', /must not contain a user name or password/],
    ['http://127.0.0.1:9000/x', /^url: 127\.0\.0\.1 is a loopback address; webhooks may only call public addresses/],
    ['http://2130706433/x', /127\.0\.0\.1 is a loopback address/],
    ['http://0x7f.1/x', /127\.0\.0\.1 is a loopback address/],
    ['http://localhost:3000/x', /^url: localhost is a loopback address/],
    ['http://LOCALHOST./x', /localhost\. is a loopback address/],
    ['http://api.localhost/x', /api\.localhost is a loopback address/],
    ['http://[::1]/x', /^url: ::1 is a loopback address/],
    ['http://[::ffff:127.0.0.1]/x', /::ffff:7f00:1 is a loopback address/],
    ['http://10.0.0.5/x', /10\.0\.0\.5 is a private address/],
    ['http://192.168.0.10/x', /is a private address/],
    ['http://169.254.169.254/latest/meta-data/', /169\.254\.169\.254 is a link-local address/],
    ['http://[fd00::5]/x', /fd00::5 is a unique-local address/],
    ['http://[fe80::1]/x', /fe80::1 is a link-local address/],
    ['http://0.0.0.0/x', /0\.0\.0\.0 is an unspecified address/],
  ])('refuses %s', (url, message) => {
    expect(refused(url)).toMatch(message);
  });

  it('allows private addresses when configured to, but never another scheme or credentials', () => {
    expect(webhookUrlProblem('http://127.0.0.1:9000/x', true)).toBeNull();
    expect(webhookUrlProblem('http://localhost/x', true)).toBeNull();
    expect(webhookUrlProblem('http://10.0.0.5/x', true)).toBeNull();
    expect(webhookUrlProblem('ftp://127.0.0.1/x', true)).toMatch(/not ftp:/);
    expect(webhookUrlProblem('http://a:b@127.0.0.1/x', true)).toMatch(/user name or password/);
  });
});
