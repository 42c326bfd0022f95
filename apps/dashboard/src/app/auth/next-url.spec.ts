import { isSessionLoss, nextParamFor, safeNextUrl } from './next-url';

describe('safeNextUrl', () => {
  it.each([
    ['/campaigns/1', '/campaigns/1'],
    ['/campaigns/1/master?frame=12#k', '/campaigns/1/master?frame=12#k'],
    ['/', '/'],
    ['/admin/audit?entity=account', '/admin/audit?entity=account'],
  ])('follows the same-site path %s', (raw, expected) => {
    expect(safeNextUrl(raw)).toBe(expected);
  });

  it.each([
    ['nothing', undefined],
    ['empty', ''],
    ['a number', 42],
    ['another origin', 'https://evil.example/x'],
    ['a protocol-relative address', '//evil.example/x'],
    ['a backslash trick', '/\\evil.example'],
    ['a tab trick', '/\t/evil.example'],
    ['a newline', '/campaigns\n'],
    ['a space', '/a b'],
    ['a script', 'javascript:alert(1)'],
    ['a relative path', 'campaigns/1'],
    ['the sign-in page', '/login?next=/x'],
    ['the sign-in page itself', '/login'],
    ['the invitation page', '/accept-invitation?token=t'],
  ])('falls back for %s', (_what, raw) => {
    expect(safeNextUrl(raw)).toBe('/');
  });

  it('uses the given fallback', () => {
    expect(safeNextUrl('//x', '/home')).toBe('/home');
  });

  it('keeps paths that merely start like a sign-in page', () => {
    expect(safeNextUrl('/loginhelp')).toBe('/loginhelp');
  });
});

describe('nextParamFor', () => {
  it('names the page to return to', () => {
    expect(nextParamFor('/campaigns/7?tab=board')).toBe('/campaigns/7?tab=board');
  });

  it('leaves out the home page and the sign-in pages', () => {
    expect(nextParamFor('/')).toBeNull();
    expect(nextParamFor('/login?next=%2Fx')).toBeNull();
  });
});

describe('isSessionLoss', () => {
  it.each([
    ['/api/campaigns', 401, true],
    ['/api/campaigns/1/variants?market=de', 401, true],
    ['/api/campaigns', 403, false],
    ['/api/campaigns', 500, false],
    ['/api/auth/login', 401, false],
    ['/api/auth/me', 401, false],
    ['/api/auth/invitations/accept', 401, false],
    ['/apix/thing', 401, false],
    ['/media/thing', 401, false],
  ] as const)('%s answering %i → %s', (url, status, expected) => {
    expect(isSessionLoss(url, status)).toBe(expected);
  });

  it('reads absolute addresses on this origin only', () => {
    expect(isSessionLoss('http://localhost:4200/api/campaigns', 401, 'http://localhost:4200')).toBe(true);
    expect(isSessionLoss('https://elsewhere.example/api/campaigns', 401, 'http://localhost:4200')).toBe(false);
  });
});
