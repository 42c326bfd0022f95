/**
 * Online password guessing, slowed down: after a few failures for one
 * address (or many from one client) sign-ins are refused for a while. In
 * memory, per API process: enough to make guessing slow and to keep a burst
 * of argon2 work off the CPU; a shared store would make it exact across
 * processes.
 */
export interface LoginThrottleOptions {
  windowMs: number;
  /** Failures allowed per e-mail address within the window. */
  perAccount: number;
  /** Failures allowed per client address within the window. */
  perClient: number;
  now?: () => number;
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottleOptions = { windowMs: 15 * 60_000, perAccount: 5, perClient: 30 };

export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();
  private readonly now: () => number;

  constructor(private readonly opts: LoginThrottleOptions = DEFAULT_LOGIN_THROTTLE) {
    this.now = opts.now ?? Date.now;
  }

  /** Seconds until a sign-in may be tried again, or 0 when it may now. */
  retryAfterS(email: string, client: string): number {
    const t = this.now();
    const wait = (key: string, limit: number) => {
      const recent = this.recent(key, t);
      return recent.length >= limit ? Math.ceil((recent[recent.length - limit] + this.opts.windowMs - t) / 1000) : 0;
    };
    return Math.max(wait(accountKey(email), this.opts.perAccount), wait(clientKey(client), this.opts.perClient));
  }

  failed(email: string, client: string): void {
    const t = this.now();
    for (const key of [accountKey(email), clientKey(client)]) this.failures.set(key, [...this.recent(key, t), t]);
    // Keep memory bounded under a spray of random addresses: forget keys with nothing recent.
    if (this.failures.size > 10_000) for (const k of [...this.failures.keys()]) if (!this.recent(k, t).length) this.failures.delete(k);
  }

  succeeded(email: string): void {
    this.failures.delete(accountKey(email));
  }

  private recent(key: string, t: number): number[] {
    return (this.failures.get(key) ?? []).filter((at) => t - at < this.opts.windowMs);
  }
}

const accountKey = (email: string) => `a:${email.trim().toLowerCase()}`;
const clientKey = (client: string) => `c:${client}`;
