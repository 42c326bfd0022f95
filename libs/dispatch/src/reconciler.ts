import type { DataSource } from 'typeorm';
import { insertOutbox } from '@shotmatrix/persistence';
import type { Queues } from '@shotmatrix/queue';

export interface ReconcilerOptions {
  /** Renders untouched this long are checked against Redis. */
  staleAfterMs?: number;
  intervalMs?: number;
  log?: (msg: string) => void;
}

/**
 * Postgres is the source of truth: a render that is queued or rendering but
 * has no live job in Redis (Redis restarted without its AOF, a flush, a lost
 * write) is put back through the outbox. Finished-but-unrecorded jobs are
 * re-run too; the render handler is idempotent.
 */
export class RenderReconciler {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly db: DataSource,
    private readonly queues: Queues,
    private readonly opts: ReconcilerOptions = {},
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.reconcile().catch((e) => this.opts.log?.(`reconciler: ${(e as Error).message}`));
    }, this.opts.intervalMs ?? 30_000);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Returns the render keys it re-enqueued. */
  async reconcile(): Promise<string[]> {
    const staleMs = this.opts.staleAfterMs ?? 60_000;
    const open: Array<{ render_key: string }> = await this.db.query(
      `SELECT r.render_key FROM render r
       WHERE r.status IN ('queued', 'rendering') AND r.updated_at < now() - make_interval(secs => $1)
         AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.job_id = r.render_key AND o.published_at IS NULL)
       ORDER BY r.updated_at LIMIT 5000`,
      [staleMs / 1000],
    );
    const lost: string[] = [];
    for (const { render_key } of open) {
      const job = await this.queues.render.getJob(render_key);
      const state = await job?.getState();
      if (!job || state === 'unknown' || state === 'completed' || state === 'failed') lost.push(render_key);
    }
    if (lost.length) {
      await this.db.transaction(async (tx) => {
        await tx.query(`UPDATE render SET status = 'queued', updated_at = now() WHERE render_key = ANY($1) AND status IN ('queued', 'rendering')`, [lost]);
        await insertOutbox(tx, lost.map((k) => ({ queue: 'render', jobId: k, payload: { renderKey: k }, replace: true })));
      });
      this.opts.log?.(`reconciler: re-enqueued ${lost.length} render(s) Redis had lost`);
    }
    return lost;
  }
}
