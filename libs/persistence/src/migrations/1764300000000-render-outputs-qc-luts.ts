import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Renders write several deliverables (draft, master, ProRes, HDR10, EXR) and
 * a QC report; markets grade with LUTs uploaded to the campaign, addressed by
 * name in the matrix and by content in render keys; plates may be videos.
 */
export class RenderOutputsQcLuts1764300000000 implements MigrationInterface {
  name = 'RenderOutputsQcLuts1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE render ADD COLUMN outputs jsonb, ADD COLUMN qc jsonb`);
    await q.query(
      `ALTER TABLE plate ADD COLUMN kind text NOT NULL DEFAULT 'image' CHECK (kind IN ('image', 'video')), ADD COLUMN fps_fraction text, ADD COLUMN frame_count int`,
    );
    await q.query(`
      CREATE TABLE lut (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        campaign_id uuid NOT NULL REFERENCES campaign(id) ON DELETE CASCADE,
        name text NOT NULL,
        filename text NOT NULL,
        storage_key text NOT NULL,
        sha256 text NOT NULL,
        size int NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (campaign_id, name)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE lut`);
    await q.query(`ALTER TABLE plate DROP COLUMN kind, DROP COLUMN fps_fraction, DROP COLUMN frame_count`);
    await q.query(`ALTER TABLE render DROP COLUMN outputs, DROP COLUMN qc`);
  }
}
