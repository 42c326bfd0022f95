import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Analysis grows stages (mattes, camera motion, colour statistics) that report
 * progress; masters carry the producer's keyframes with their own edit
 * version; label planes are tracked per plane and per seed set, so editing one
 * plane's quads re-tracks that plane only and nothing else is re-analysed.
 */
export class AnalysisStagesKeyframes1764200000000 implements MigrationInterface {
  name = 'AnalysisStagesKeyframes1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE analysis ADD COLUMN stage text, ADD COLUMN progress double precision`);
    await q.query(`ALTER TABLE master_shot ADD COLUMN keyframes jsonb NOT NULL DEFAULT '[]', ADD COLUMN keyframes_version int NOT NULL DEFAULT 1`);
    await q.query(`
      CREATE TABLE plane_track (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        analysis_id uuid NOT NULL REFERENCES analysis(id) ON DELETE CASCADE,
        plane text NOT NULL,
        seeds_hash text NOT NULL,
        seeds jsonb NOT NULL,
        status text NOT NULL CHECK (status IN ('waiting', 'queued', 'running', 'done', 'failed')),
        error text,
        result_key text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (analysis_id, plane, seeds_hash)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE plane_track`);
    await q.query(`ALTER TABLE master_shot DROP COLUMN keyframes, DROP COLUMN keyframes_version`);
    await q.query(`ALTER TABLE analysis DROP COLUMN stage, DROP COLUMN progress`);
  }
}
