import type { EntityManager } from 'typeorm';
import { insertOutbox } from './outbox';

/**
 * Makes sure a master has an analysis for this analyser version, queueing it
 * (through the outbox, in the caller's transaction) the first time. Content
 * addressed: the same master uploaded twice is analysed once.
 */
export async function ensureAnalysis(m: EntityManager, masterSha256: string, analyserVersion: string): Promise<{ id: string; created: boolean }> {
  const inserted: Array<{ id: string }> = await m.query(
    `INSERT INTO analysis (master_sha256, analyser_version, status) VALUES ($1, $2, 'queued')
     ON CONFLICT (master_sha256, analyser_version) DO NOTHING RETURNING id`,
    [masterSha256, analyserVersion],
  );
  if (inserted.length) {
    await insertOutbox(m, [{ queue: 'analyze', jobId: `analysis-${inserted[0].id}`, payload: { analysisId: inserted[0].id } }]);
    return { id: inserted[0].id, created: true };
  }
  const [row]: Array<{ id: string }> = await m.query(`SELECT id FROM analysis WHERE master_sha256 = $1 AND analyser_version = $2`, [
    masterSha256,
    analyserVersion,
  ]);
  return { id: row.id, created: false };
}

/**
 * Makes sure every label plane has a track for its current seeds. Planes whose
 * seeds are unchanged keep their track (nothing re-runs); a changed plane gets
 * a new row, queued at once when the master's analysis is done, else left
 * `waiting` for the analysis to release it. Returns the planes queued anew.
 */
export async function ensurePlaneTracks(
  m: EntityManager,
  analysisId: string,
  planes: Array<{ plane: string; seeds: unknown; seedsHash: string }>,
): Promise<string[]> {
  if (!planes.length) return [];
  const [{ status }]: Array<{ status: string }> = await m.query(`SELECT status FROM analysis WHERE id = $1`, [analysisId]);
  if (status === 'failed') return [];
  const initial = status === 'done' ? 'queued' : 'waiting';
  const created: string[] = [];
  for (const p of planes) {
    const rows: Array<{ id: string }> = await m.query(
      `INSERT INTO plane_track (analysis_id, plane, seeds_hash, seeds, status) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (analysis_id, plane, seeds_hash) DO NOTHING RETURNING id`,
      [analysisId, p.plane, p.seedsHash, JSON.stringify(p.seeds), initial],
    );
    if (!rows.length) continue;
    created.push(p.plane);
    if (initial === 'queued') await insertOutbox(m, [{ queue: 'analyze', jobId: `plane-${rows[0].id}`, payload: { planeTrackId: rows[0].id } }]);
  }
  return created;
}

/** Called by the analysis in its final transaction: planes seeded while it ran may now be tracked. */
export async function releasePlaneTracks(m: EntityManager, analysisId: string): Promise<number> {
  // UPDATE … RETURNING comes back from TypeORM as [rows, count].
  const [rows]: [Array<{ id: string }>, number] = await m.query(
    `UPDATE plane_track SET status = 'queued', updated_at = now() WHERE analysis_id = $1 AND status = 'waiting' RETURNING id`,
    [analysisId],
  );
  await insertOutbox(m, rows.map((r) => ({ queue: 'analyze' as const, jobId: `plane-${r.id}`, payload: { planeTrackId: r.id } })));
  return rows.length;
}
