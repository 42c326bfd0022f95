import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook bodies are signed over `<unix seconds>.<body>` with the hook's
 * secret and sent as `Shotmatrix-Signature: t=<seconds>,v1=<hex>`. The
 * timestamp inside the signed text lets a receiver refuse replays older than
 * its tolerance; the delivery id lets it refuse a replay inside it.
 */
export const WEBHOOK_SIGNATURE_HEADER = 'shotmatrix-signature';

const mac = (secret: string, t: number, body: string) => createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');

export function signWebhook(secret: string, body: string, nowS: number): string {
  return `t=${nowS},v1=${mac(secret, nowS, body)}`;
}

export type WebhookCheck = 'ok' | 'malformed' | 'bad-signature' | 'too-old';

/** What a receiver does; used by our tests and offered to integrators in the docs. */
export function verifyWebhook(secret: string, body: string, header: string | undefined, nowS: number, toleranceS = 300): WebhookCheck {
  const parts = Object.fromEntries((header ?? '').split(',').map((p) => p.split('=', 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !parts.v1 || !/^[0-9a-f]{64}$/.test(parts.v1)) return 'malformed';
  const expected = Buffer.from(mac(secret, t, body), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(parts.v1, 'hex'))) return 'bad-signature';
  return Math.abs(nowS - t) > toleranceS ? 'too-old' : 'ok';
}
