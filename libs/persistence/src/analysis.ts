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
