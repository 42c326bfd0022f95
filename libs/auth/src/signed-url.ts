import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Media (masters, renders, thumbnails) is fetched by <video> and <img>, which
 * cannot send a bearer token; the API hands out URLs signed for one object
 * and a short time instead. Expiry is rounded up to a window so the same URL
 * is handed out for a while and browsers can cache what it points at.
 */
export interface MediaSigner {
  /** `/api/media/<key>?exp=…&sig=…` */
  url(key: string): string;
  verify(key: string, exp: unknown, sig: unknown): MediaSignatureCheck;
}

export type MediaSignatureCheck = 'ok' | 'missing' | 'expired' | 'bad-signature';

export interface MediaSignerOptions {
  secret: string;
  /** How long a URL stays good at least (seconds). */
  ttlS: number;
  /** Expiry is rounded up to a multiple of this (seconds). */
  windowS: number;
  now?: () => number;
}

const signature = (secret: string, key: string, exp: number) => createHmac('sha256', secret).update(`${key}\n${exp}`).digest('base64url');

export function mediaSigner({ secret, ttlS, windowS, now = Date.now }: MediaSignerOptions): MediaSigner {
  if (secret.length < 32) throw new Error('the media URL secret must be at least 32 characters');
  const seconds = () => Math.floor(now() / 1000);
  return {
    url(key) {
      const exp = Math.ceil((seconds() + ttlS) / windowS) * windowS;
      const path = key.split('/').map(encodeURIComponent).join('/');
      return `/api/media/${path}?exp=${exp}&sig=${signature(secret, key, exp)}`;
    },
    verify(key, exp, sig) {
      if (typeof exp !== 'string' || typeof sig !== 'string' || !/^\d{1,12}$/.test(exp)) return 'missing';
      const expected = Buffer.from(signature(secret, key, Number(exp)));
      const given = Buffer.from(sig);
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'bad-signature';
      return Number(exp) < seconds() ? 'expired' : 'ok';
    },
  };
}
