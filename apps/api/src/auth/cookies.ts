import type { CookieOptions, Request } from 'express';

export const SESSION_COOKIE = 'smx_session';

/** The one cookie we read; parsed by hand rather than adding a middleware for it. */
export function sessionCookie(req: Request): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name !== SESSION_COOKIE) continue;
    try {
      return decodeURIComponent(rest.join('='));
    } catch {
      return null; // a mangled cookie is no session
    }
  }
  return null;
}

/** HttpOnly so page scripts never see it; SameSite=Lax so other sites cannot post with it. */
export const sessionCookieOptions = (secure: boolean, maxAgeMs: number): CookieOptions => ({
  httpOnly: true,
  sameSite: 'lax',
  secure,
  path: '/',
  maxAge: maxAgeMs,
});

export function bearerToken(req: Request): string | null {
  const h = req.headers.authorization;
  return h?.startsWith('Bearer ') ? h.slice(7).trim() : null;
}
