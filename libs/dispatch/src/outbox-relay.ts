import type { DataSource } from 'typeorm';
import type { QueueName } from '@shotmatrix/contracts';
import { claimOutbox, markPublished, type ClaimedOutboxRow } from '@shotmatrix/persistence';
import type { Queues } from '@shotmatrix/queue';

export interface RelayOptions {
  batchSize?: number;
  /** How often to look for messages nobody announced (another process wrote them, or we crashed). */
  pollMs?: number;
  log?: (msg: string) => void;
}

/**
 * Moves committed outbox messages into BullMQ. The job id is the message's
 * (the render key for renders), so a message published twice — a crash
 * between `addBulk` and the commit — still yields one job.
 */
export class OutboxRelay {
  private timer?: NodeJS.Timeout;
  private running: Promise<number> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    private readonly db: DataSource,
    private readonly queues: Queues,
    private readonly opts: RelayOptions = {},
  ) {}

  start(): void {
    this.stopped = false;
    const tick = () => {
      if (this.stopped) return;
      this.kick()
        .catch((e) => this.opts.log?.(`outbox relay: ${(e as Error).message}`))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.opts.pollMs ?? 1000);
        });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** Publishes everything pending now; concurrent calls share one drain. */
  kick(): Promise<number> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.drain().finally(() => {
      this.running = null;
      if (this.again && !this.stopped) {
        this.again = false;
        void this.kick();
      }
    });
    return this.running;
  }

  private async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.pass();
      total += n;
      if (n < (this.opts.batchSize ?? 2000)) return total;
    }
  }

  private async pass(): Promise<number> {
    return this.db.transaction(async (tx) => {
      const rows = await claimOutbox(tx, this.opts.batchSize ?? 2000);
      if (!rows.length) return 0;
      const byQueue = new Map<QueueName, ClaimedOutboxRow[]>();
      for (const r of rows) {
        const name = r.queue as QueueName;
        if (!this.queues[name]) throw new Error(`outbox message ${r.id} names unknown queue "${r.queue}"`);
        byQueue.set(name, [...(byQueue.get(name) ?? []), r]);
      }
      for (const [name, list] of byQueue) {
        const queue = this.queues[name];
        for (const r of list.filter((x) => x.replace)) {
          const existing = await queue.getJob(r.jobId);
          const state = await existing?.getState();
          if (existing && (state === 'failed' || state === 'completed')) await existing.remove();
        }
        await queue.addBulk(list.map((r) => ({ name, data: r.payload as never, opts: { jobId: r.jobId } })));
      }
      await markPublished(tx, rows.map((r) => r.id));
      return rows.length;
    });
  }
}
