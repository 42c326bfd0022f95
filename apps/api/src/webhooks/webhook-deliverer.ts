import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { signWebhook, WEBHOOK_SIGNATURE_HEADER } from '@shotmatrix/auth';
import type { AppConfig } from '@shotmatrix/config';
import { APP_CONFIG } from '../common/tokens';
import { postWebhook } from './webhook-post';
import { webhookUrlProblem } from './webhook-url';

export const WEBHOOK_DELIVERY_HEADER = 'shotmatrix-delivery';
export const WEBHOOK_EVENT_HEADER = 'shotmatrix-event';

export interface DelivererOptions {
  /** How often to look for due deliveries nobody announced (another process queued them, or a retry fell due). */
  pollMs: number;
  /** Wait after the n-th failed attempt; the attempt after the last entry is the final one. */
  retryDelaysMs: number[];
  /** The whole exchange with a receiver: connect, send, status line. */
  timeoutMs: number;
  /** Deliveries claimed, and sent in parallel, per pass. */
  batchSize: number;
  /**
   * How long a claimed delivery is ours: a process that dies mid-send leaves
   * it to be tried again after this (receivers drop the duplicate by its id).
   */
  leaseMs: number;
}

/** 10 s, 1 min, 5 min, 30 min, 2 h: six attempts over about two and a half hours. */
export const DEFAULT_DELIVERER_OPTIONS: DelivererOptions = {
  pollMs: 1000,
  retryDelaysMs: [10_000, 60_000, 300_000, 1_800_000, 7_200_000],
  timeoutMs: 5000,
  batchSize: 20,
  leaseMs: 60_000,
};

interface Claimed {
  id: string;
  event: string;
  payload: Record<string, unknown>;
  attempts: number;
  url: string;
  secret: string;
}

/**
 * Sends queued webhook deliveries: signed, timed out, retried with backoff.
 * Every API process runs one; `FOR UPDATE SKIP LOCKED` and a lease on the row
 * make sure a delivery is sent by one process at a time, and the
 * attempt-number guard on the result keeps a late process from overwriting a
 * newer attempt's outcome.
 */
@Injectable()
export class WebhookDeliverer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('webhooks');
  private opts: DelivererOptions = { ...DEFAULT_DELIVERER_OPTIONS };
  private timer?: NodeJS.Timeout;
  private running: Promise<number> | null = null;
  private again = false;
  private stopped = true;

  constructor(
    private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Tests shorten the schedule; change it before the app starts. */
  configure(opts: Partial<DelivererOptions>): void {
    this.opts = { ...this.opts, ...opts };
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const tick = () => {
      if (this.stopped) return;
      this.kick()
        .catch((e) => this.log.warn(`webhook deliverer: ${(e as Error).message}`))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.opts.pollMs);
        });
    };
    tick();
  }

  /** Stops polling and waits for the attempts in flight (at most one timeout). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** Sends everything due now; concurrent calls share one drain. */
  kick(): Promise<number> {
    if (this.stopped) return Promise.resolve(0);
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.drain().finally(() => {
      this.running = null;
      if (this.again && !this.stopped) {
        this.again = false;
        void this.kick().catch((e) => this.log.warn(`webhook deliverer: ${(e as Error).message}`));
      }
    });
    return this.running;
  }

  private async drain(): Promise<number> {
    let total = 0;
    while (!this.stopped) {
      const claimed = await this.claim();
      await Promise.all(claimed.map((d) => this.attempt(d)));
      total += claimed.length;
      if (claimed.length < this.opts.batchSize) break;
    }
    return total;
  }

  /** Takes due deliveries of enabled hooks: counts the attempt and pushes the row out of reach for the lease. */
  private claim(): Promise<Claimed[]> {
    return this.db.query(
      `WITH due AS (
         SELECT d.id FROM webhook_delivery d JOIN webhook w ON w.id = d.webhook_id
          WHERE d.status = 'pending' AND d.next_attempt_at <= now() AND w.disabled_at IS NULL
          ORDER BY d.next_attempt_at LIMIT $1
            FOR UPDATE OF d SKIP LOCKED
       ), claimed AS (
         UPDATE webhook_delivery d SET attempts = d.attempts + 1, next_attempt_at = now() + make_interval(secs => $2)
           FROM due WHERE d.id = due.id
         RETURNING d.id, d.webhook_id, d.event, d.payload, d.attempts
       )
       SELECT c.id, c.event, c.payload, c.attempts, w.url, w.secret FROM claimed c JOIN webhook w ON w.id = c.webhook_id`,
      [this.opts.batchSize, this.opts.leaseMs / 1000],
    );
  }

  private async attempt(d: Claimed): Promise<void> {
    const { id: _id, type: _type, ...rest } = d.payload;
    // The id travels in the signed body too, so a receiver can trust it for replay checks.
    const body = JSON.stringify({ id: d.id, type: d.event, ...rest });
    const allowPrivate = this.config.webhooks.allowPrivateAddresses;
    let status: number | null = null;
    let error: string | null = null;
    try {
      // Checked again at send time: literal addresses never reach the DNS guard, and the setting may have changed.
      const problem = webhookUrlProblem(d.url, allowPrivate);
      if (problem) throw new Error(problem.replace(/^url: /, ''));
      const answer = await postWebhook(
        d.url,
        body,
        {
          'content-type': 'application/json',
          'user-agent': 'Shotmatrix-Webhooks/1',
          [WEBHOOK_SIGNATURE_HEADER]: signWebhook(d.secret, body, Math.floor(Date.now() / 1000)),
          [WEBHOOK_DELIVERY_HEADER]: d.id,
          [WEBHOOK_EVENT_HEADER]: d.event,
        },
        { timeoutMs: this.opts.timeoutMs, allowPrivateAddresses: allowPrivate },
      );
      status = answer.status;
      if (status < 200 || status >= 300) {
        const redirect = status >= 300 && status < 400 ? ' (redirects are not followed: register the final URL)' : '';
        error = `the receiver answered ${status}${redirect}${answer.excerpt.trim() ? `: ${answer.excerpt.trim().replace(/\s+/g, ' ')}` : ''}`;
      }
    } catch (e) {
      error = (e as Error).message;
    }
    await this.record(d, status, error);
  }

  private async record(d: Claimed, status: number | null, error: string | null): Promise<void> {
    if (error === null) {
      await this.db.query(
        `UPDATE webhook_delivery SET status = 'delivered', delivered_at = now(), response_status = $3, last_error = NULL
          WHERE id = $1 AND attempts = $2 AND status = 'pending'`,
        [d.id, d.attempts, status],
      );
      return;
    }
    const delay = this.opts.retryDelaysMs[d.attempts - 1];
    const final = delay === undefined;
    await this.db.query(
      `UPDATE webhook_delivery
          SET status = $3, response_status = $4, last_error = $5,
              next_attempt_at = CASE WHEN $3 = 'pending' THEN now() + make_interval(secs => $6) ELSE next_attempt_at END
        WHERE id = $1 AND attempts = $2 AND status = 'pending'`,
      [d.id, d.attempts, final ? 'failed' : 'pending', status, error.slice(0, 1000), (delay ?? 0) / 1000],
    );
    if (final) this.log.warn(`webhook delivery ${d.id} (${d.event}) failed after ${d.attempts} attempts: ${error}`);
  }
}
