import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { DataSource, type EntityManager } from 'typeorm';
import type { Principal } from '@shotmatrix/auth';
import type { AppConfig } from '@shotmatrix/config';
import {
  RENDER_CANCEL_CHANNEL,
  RENDER_EVENTS_CHANNEL,
  type OpsActionView,
  type OpsCampaignView,
  type OpsCellView,
  type OpsRenderView,
  type OpsSummaryView,
  type QueueDepthView,
  type RenderCancelMessage,
  type RenderChangedMessage,
} from '@shotmatrix/contracts';
import { OutboxRelay } from '@shotmatrix/dispatch';
import {
  campaignProgress,
  cancelledBy,
  cancelPlan,
  checkRetry,
  DomainError,
  eta,
  notFound,
  ratePerMinute,
  type Finish,
  type RenderState,
} from '@shotmatrix/domain';
import { insertOutbox } from '@shotmatrix/persistence';
import type { Queues } from '@shotmatrix/queue';
import { AuditService } from '../audit/audit.service';
import { APP_CONFIG, OUTBOX_RELAY, QUEUES, REDIS } from '../common/tokens';

const MINUTE = 60_000;
/** The longer throughput window; also how long a finished campaign stays on the board, and the ETA's rate window. */
const RECENT_MS = 15 * MINUTE;
const LIST_LIMIT = 20;

interface RenderRow {
  render_key: string;
  status: RenderState;
  error: string | null;
  attempts: number;
  started_at: Date | null;
  finished_at: Date | null;
  cells: OpsCellView[];
}

interface CampaignRow {
  id: string;
  name: string;
  total: number;
  done: number;
  failed: number;
  rendering: number;
  queued: number;
  waiting: number;
  active_since: number | null;
}

/** One row per finished render and campaign: a render shared by several cells finishes them together. */
interface FinishRow {
  campaign_id: string;
  at: number;
  cells: number;
}

/** Cells showing a render, as JSON, for the render rows `r` of a query. */
const CELLS_SQL = `
  COALESCE((SELECT json_agg(json_build_object('variantId', v.id, 'campaignId', c.id, 'campaignName', c.name, 'cellKey', v.cell_key)
                            ORDER BY c.name, v.cell_key)
            FROM variant v JOIN campaign c ON c.id = v.campaign_id WHERE v.render_key = r.render_key), '[]'::json) AS cells`;

const RENDER_COLUMNS = `r.render_key, r.status, r.error, r.attempts, r.started_at, r.finished_at, ${CELLS_SQL}`;

/**
 * The ops board: queue depths and workers from BullMQ, progress and
 * throughput from Postgres (the source of truth), and the two things an
 * operator may do to a render — retry a failed one, cancel one not yet done.
 */
@Injectable()
export class OpsService {
  private readonly log = new Logger(OpsService.name);

  constructor(
    private readonly db: DataSource,
    private readonly audit: AuditService,
    @Inject(QUEUES) private readonly queues: Queues,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(OUTBOX_RELAY) private readonly relay: OutboxRelay | null,
  ) {}

  async summary(): Promise<OpsSummaryView> {
    const [queues, [{ now }], finishes, campaignRows, failures, inFlight] = await Promise.all([
      Promise.all([this.depth('analyze'), this.depth('render')]),
      // The database's clock: finished_at was stamped by it, whichever host ran the render.
      this.db.query(`SELECT (extract(epoch FROM now()) * 1000)::float8 AS now`) as Promise<Array<{ now: number }>>,
      this.db.query(
        `SELECT v.campaign_id, (extract(epoch FROM r.finished_at) * 1000)::float8 AS at, count(*)::int AS cells
         FROM render r JOIN variant v ON v.render_key = r.render_key
         WHERE r.status = 'done' AND r.finished_at > now() - make_interval(secs => $1)
         GROUP BY v.campaign_id, r.render_key, r.finished_at`,
        [RECENT_MS / 1000],
      ) as Promise<FinishRow[]>,
      this.db.query(
        `SELECT c.id, c.name,
           count(*)::int AS total,
           count(*) FILTER (WHERE r.status = 'done')::int AS done,
           count(*) FILTER (WHERE r.status = 'failed')::int AS failed,
           count(*) FILTER (WHERE r.status = 'rendering')::int AS rendering,
           count(*) FILTER (WHERE r.status = 'queued')::int AS queued,
           count(*) FILTER (WHERE r.status = 'waiting')::int AS waiting,
           (extract(epoch FROM min(r.started_at) FILTER (
              WHERE r.status = 'rendering' OR (r.status = 'done' AND r.finished_at > now() - make_interval(secs => $1)))) * 1000)::float8 AS active_since
         FROM variant v JOIN render r ON r.render_key = v.render_key JOIN campaign c ON c.id = v.campaign_id
         GROUP BY c.id, c.name
         HAVING count(*) FILTER (WHERE r.status IN ('waiting', 'queued', 'rendering')) > 0
             OR max(r.finished_at) > now() - make_interval(secs => $1)
         ORDER BY count(*) FILTER (WHERE r.status IN ('waiting', 'queued', 'rendering')) = 0, min(c.created_at) DESC, c.id
         LIMIT 200`,
        [RECENT_MS / 1000],
      ) as Promise<CampaignRow[]>,
      // Only renders some cell still shows: a failure a matrix edit left behind needs nobody.
      this.db.query(
        `SELECT ${RENDER_COLUMNS} FROM render r
         WHERE r.status = 'failed' AND EXISTS (SELECT 1 FROM variant v WHERE v.render_key = r.render_key)
         ORDER BY r.finished_at DESC NULLS LAST, r.updated_at DESC LIMIT $1`,
        [LIST_LIMIT],
      ) as Promise<RenderRow[]>,
      this.db.query(
        `SELECT ${RENDER_COLUMNS} FROM render r
         WHERE r.status IN ('rendering', 'queued') AND EXISTS (SELECT 1 FROM variant v WHERE v.render_key = r.render_key)
         ORDER BY r.status = 'queued', r.started_at NULLS LAST, r.updated_at LIMIT $1`,
        [LIST_LIMIT],
      ) as Promise<RenderRow[]>,
    ]);

    const all: Finish[] = finishes.map((f) => ({ at: f.at, count: f.cells }));
    const byCampaign = new Map<string, Finish[]>();
    for (const f of finishes) byCampaign.set(f.campaign_id, [...(byCampaign.get(f.campaign_id) ?? []), { at: f.at, count: f.cells }]);
    const campaigns = campaignRows.map((c): OpsCampaignView => {
      const { percent, remaining } = campaignProgress(c);
      const perMinute = ratePerMinute(byCampaign.get(c.id) ?? [], now, RECENT_MS, c.active_since);
      return {
        id: c.id,
        name: c.name,
        total: c.total,
        done: c.done,
        failed: c.failed,
        rendering: c.rendering,
        queued: c.queued,
        waiting: c.waiting,
        percent,
        perMinute: round2(perMinute),
        eta: eta(remaining, perMinute),
      };
    });
    return {
      at: new Date(now).toISOString(),
      queues,
      throughput: { perMinute5: round2(ratePerMinute(all, now, 5 * MINUTE)), perMinute15: round2(ratePerMinute(all, now, RECENT_MS)) },
      campaigns,
      failures: failures.map(toRenderView),
      inFlight: inFlight.map(toRenderView),
    };
  }

  private async depth(name: keyof Queues): Promise<QueueDepthView> {
    const queue = this.queues[name];
    const [counts, workers] = await Promise.all([
      queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed'),
      // CLIENT LIST is disabled on some managed Redis; the board then shows the count as unknown.
      queue.getWorkers().then(
        (list) => list.length,
        (e: Error) => {
          this.log.warn(`workers of ${name}: ${e.message}`);
          return null;
        },
      ),
    ]);
    return {
      name,
      waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
      active: counts.active ?? 0,
      delayed: counts.delayed ?? 0,
      failed: counts.failed ?? 0,
      workers,
    };
  }

  /**
   * Puts a failed render back in the queue, as expansion does: attempts start
   * again, and the outbox message replaces the failed job with the same id.
   * A render whose master analysis has not finished waits for it again.
   */
  async retry(renderKey: string, who: Principal): Promise<OpsActionView> {
    const outcome = await this.db.transaction(async (tx) => {
      const before = await lockRender(tx, renderKey);
      const refused = checkRetry(renderKey, before.status);
      if (refused) throw refused;
      // A cancelled render can still be stopping in its worker, which would then settle it as failed over this retry.
      const job = await this.queues.render.getJob(renderKey);
      if (job && (await job.getState()) === 'active') {
        throw new DomainError('RENDER_STILL_RUNNING', `render ${renderKey} is still stopping in a worker; retry it in a moment`, 'conflict');
      }
      const [analysis]: Array<{ status: string; error: string | null }> = await tx.query(
        `SELECT a.status, a.error FROM render r JOIN analysis a ON a.id = r.analysis_id WHERE r.render_key = $1`,
        [renderKey],
      );
      if (analysis?.status === 'failed') {
        throw new DomainError(
          'ANALYSIS_FAILED',
          `render ${renderKey} cannot run: the master's analysis failed (${analysis.error ?? 'unknown reason'}); upload the master again`,
          'conflict',
        );
      }
      const next = !analysis || analysis.status === 'done' ? 'queued' : 'waiting';
      await tx.query(
        `UPDATE render SET status = $2, error = NULL, attempts = 0, started_at = NULL, finished_at = NULL, updated_at = now() WHERE render_key = $1`,
        [renderKey, next],
      );
      // A waiting render is enqueued by its analysis when that finishes.
      if (next === 'queued') await insertOutbox(tx, [{ queue: 'render', jobId: renderKey, payload: { renderKey }, replace: true }]);
      await this.auditEach(tx, who, before, { action: 'render.retry', after: { status: next } });
      return next;
    });
    void this.relay?.kick().catch((e) => this.log.warn(`outbox relay: ${(e as Error).message}`));
    await this.announce(renderKey);
    return { outcome, render: await this.render(renderKey) };
  }

  /**
   * Cancels a render that is not done. It is marked failed ("cancelled: by …")
   * at once, so nothing renders it afterwards: a worker only claims queued
   * renders and commits only while rendering. A job not yet picked up is
   * removed; one a worker is running is aborted there (render-cancel channel).
   */
  async cancel(renderKey: string, who: Principal): Promise<OpsActionView> {
    const reason = cancelledBy(who.email);
    const plan = await this.db.transaction(async (tx) => {
      const before = await lockRender(tx, renderKey);
      const p = cancelPlan(renderKey, before.status);
      if (p instanceof DomainError) throw p;
      await tx.query(`UPDATE render SET status = 'failed', error = $2, finished_at = now(), updated_at = now() WHERE render_key = $1`, [renderKey, reason]);
      // A message not relayed yet would enqueue it again.
      await tx.query(`UPDATE outbox SET published_at = now() WHERE queue = 'render' AND job_id = $1 AND published_at IS NULL`, [renderKey]);
      await this.auditEach(tx, who, before, { action: 'render.cancel', after: { status: 'failed', error: reason } });
      return p;
    });
    let stopping = plan === 'signal';
    const job = await this.queues.render.getJob(renderKey);
    if (job && (await job.getState()) !== 'active') {
      // A worker may take it between the two calls; it then finds the render failed and does nothing.
      await job.remove().catch((e: Error) => this.log.warn(`could not remove job ${renderKey}: ${e.message}`));
    } else if (job) stopping = true;
    if (stopping) {
      const msg: RenderCancelMessage = { renderKey, reason: reason.replace(/^cancelled: /, '') };
      await this.redis.publish(`${this.config.queuePrefix}:${RENDER_CANCEL_CHANNEL}`, JSON.stringify(msg));
    }
    await this.announce(renderKey);
    return { outcome: stopping ? 'stopping' : 'cancelled', render: await this.render(renderKey) };
  }

  private async render(renderKey: string): Promise<OpsRenderView> {
    const [row]: RenderRow[] = await this.db.query(`SELECT ${RENDER_COLUMNS} FROM render r WHERE r.render_key = $1`, [renderKey]);
    if (!row) throw notFound('render', renderKey);
    return toRenderView(row);
  }

  /** One entry per campaign showing the render, so each campaign's log has it. */
  private async auditEach(tx: EntityManager, who: Principal, before: LockedRender, change: { action: string; after: unknown }): Promise<void> {
    const campaigns: Array<{ campaign_id: string }> = await tx.query(`SELECT DISTINCT campaign_id FROM variant WHERE render_key = $1`, [before.render_key]);
    const ids = campaigns.length ? campaigns.map((c) => c.campaign_id) : [null];
    for (const campaignId of ids) {
      await this.audit.record(
        {
          action: change.action,
          entity: 'render',
          entityId: before.render_key,
          campaignId,
          before: { status: before.status, error: before.error, attempts: before.attempts },
          after: change.after,
        },
        tx,
        who,
      );
    }
  }

  /** Tells every API process that the render changed: campaign boards and ops boards update. */
  private async announce(renderKey: string): Promise<void> {
    const msg: RenderChangedMessage = { renderKey };
    await this.redis
      .publish(`${this.config.queuePrefix}:${RENDER_EVENTS_CHANNEL}`, JSON.stringify(msg))
      .catch((e: Error) => this.log.warn(`render event ${renderKey}: ${e.message}`));
  }
}

interface LockedRender {
  render_key: string;
  status: RenderState;
  error: string | null;
  attempts: number;
}

async function lockRender(tx: EntityManager, renderKey: string): Promise<LockedRender> {
  const [row]: LockedRender[] = await tx.query(`SELECT render_key, status, error, attempts FROM render WHERE render_key = $1 FOR UPDATE`, [renderKey]);
  if (!row) throw notFound('render', renderKey);
  return row;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
const round2 = (n: number) => Math.round(n * 100) / 100;

function toRenderView(r: RenderRow): OpsRenderView {
  return {
    renderKey: r.render_key,
    status: r.status,
    error: r.error,
    attempts: r.attempts,
    startedAt: iso(r.started_at),
    finishedAt: iso(r.finished_at),
    cells: r.cells,
  };
}
