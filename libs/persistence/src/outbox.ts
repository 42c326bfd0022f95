import type { EntityManager } from 'typeorm';

export interface OutboxMessage {
  queue: string;
  jobId: string;
  payload: Record<string, unknown>;
  /** Remove a finished job with this id before adding (a deliberate re-run). */
  replace?: boolean;
}

/** Writes messages in the caller's transaction, so they exist exactly when the rows they describe do. */
export async function insertOutbox(m: EntityManager, messages: OutboxMessage[]): Promise<void> {
  for (let i = 0; i < messages.length; i += 5000) {
    const chunk = messages.slice(i, i + 5000);
    await m.query(
      `INSERT INTO outbox (queue, job_id, payload, replace)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[]::jsonb[], $4::boolean[])`,
      [chunk.map((x) => x.queue), chunk.map((x) => x.jobId), chunk.map((x) => JSON.stringify(x.payload)), chunk.map((x) => !!x.replace)],
    );
  }
}

export interface ClaimedOutboxRow extends OutboxMessage {
  id: string;
}

/**
 * Locks up to `limit` unpublished messages for this transaction. SKIP LOCKED
 * lets several relays (API and workers) run side by side without waiting or
 * publishing a message twice.
 */
export async function claimOutbox(m: EntityManager, limit: number): Promise<ClaimedOutboxRow[]> {
  const rows: Array<{ id: string; queue: string; job_id: string; payload: Record<string, unknown>; replace: boolean }> = await m.query(
    `SELECT id, queue, job_id, payload, replace FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
    [limit],
  );
  return rows.map((r) => ({ id: r.id, queue: r.queue, jobId: r.job_id, payload: r.payload, replace: r.replace }));
}

export async function markPublished(m: EntityManager, ids: string[]): Promise<void> {
  if (ids.length) await m.query(`UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])`, [ids]);
}
