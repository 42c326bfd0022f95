/**
 * Where to go after signing in. `next` comes from the address bar, so only a
 * path on this site is followed: anything else (another origin, `//host`,
 * `/\host`, `javascript:`) falls back to the home page.
 */

const SIGN_IN_PAGES = ['/login', '/accept-invitation'];

function isPage(url: string, page: string): boolean {
  return url === page || url.startsWith(`${page}?`) || url.startsWith(`${page}/`) || url.startsWith(`${page}#`);
}

export function safeNextUrl(raw: unknown, fallback = '/'): string {
  if (typeof raw !== 'string' || raw === '') return fallback;
  if (!raw.startsWith('/') || raw.startsWith('//')) return fallback;
  // Browsers read a backslash as a slash, and drop tabs and newlines, so `/\host` and `/\t/host` lead off-site.
  // eslint-disable-next-line no-control-regex
  if (/[\\\u0000-\u0020\u007f]/.test(raw)) return fallback;
  let parsed: URL;
  try {
    parsed = new URL(raw, 'https://shotmatrix.invalid');
  } catch {
    return fallback;
  }
  if (parsed.origin !== 'https://shotmatrix.invalid') return fallback;
  // Signing in and landing on the sign-in page again would look like it failed.
  if (SIGN_IN_PAGES.some((page) => isPage(parsed.pathname, page))) return fallback;
  return raw;
}

/** The `next` to put on /login for the page the person was on; null where it adds nothing. */
export function nextParamFor(currentUrl: string): string | null {
  const next = safeNextUrl(currentUrl, '');
  return next === '' || next === '/' ? null : next;
}

/**
 * Calls whose 401 means "the session is gone": this site's API, but not the
 * sign-in calls themselves (a wrong password is the login page's business).
 */
export function isSessionLoss(url: string, status: number, origin = 'https://shotmatrix.invalid'): boolean {
  if (status !== 401) return false;
  let parsed: URL;
  try {
    parsed = new URL(url, origin);
  } catch {
    return false;
  }
  const { pathname } = parsed;
  return parsed.origin === origin && (pathname === '/api' || pathname.startsWith('/api/')) && !pathname.startsWith('/api/auth/');
}
