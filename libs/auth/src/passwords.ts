import { hash, verify } from '@node-rs/argon2';

/** Long enough to resist guessing offline; no composition rules (they push people to worse passwords). */
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 256;

/** Why a password cannot be used, or null. */
export function passwordProblem(password: unknown): string | null {
  if (typeof password !== 'string') return 'password is required';
  if (password.length < MIN_PASSWORD_LENGTH) return `password must be at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH) return `password must be at most ${MAX_PASSWORD_LENGTH} characters`;
  return null;
}

/** argon2id with the library's defaults (19 MiB, 2 passes: OWASP's minimum); ~30 ms here. */
export const hashPassword = (password: string): Promise<string> => hash(password);

/** At most this many argon2 verifications at once (19 MiB each): a burst of sign-ins queues instead of exhausting memory. */
const MAX_CONCURRENT_VERIFY = 4;
let running = 0;
const waiting: Array<() => void> = [];

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  if (running >= MAX_CONCURRENT_VERIFY) await new Promise<void>((resolve) => waiting.push(resolve));
  running += 1;
  try {
    return await verify(stored, password);
  } catch {
    // A malformed stored hash is a failed sign-in, not a crash.
    return false;
  } finally {
    running -= 1;
    waiting.shift()?.();
  }
}

/**
 * A hash of a random password, verified when the e-mail is unknown so that
 * a sign-in for a stranger takes as long as one for an account.
 */
let decoy: Promise<string> | null = null;
export const decoyHash = (): Promise<string> => (decoy ??= hash('decoy password that matches nothing'));
