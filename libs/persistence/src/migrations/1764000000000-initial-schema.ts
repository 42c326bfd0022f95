import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1764000000000 implements MigrationInterface {
  name = 'InitialSchema1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE campaign (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE dimension_value (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        campaign_id uuid NOT NULL REFERENCES campaign(id) ON DELETE CASCADE,
        dimension text NOT NULL CHECK (dimension IN ('market', 'label', 'background')),
        code text NOT NULL,
        position int NOT NULL,
        params jsonb NOT NULL,
        UNIQUE (campaign_id, dimension, code)
      )`);
    await q.query(`
      CREATE TABLE master_shot (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        campaign_id uuid NOT NULL REFERENCES campaign(id) ON DELETE CASCADE,
        filename text NOT NULL,
        storage_key text NOT NULL,
        thumbnail_key text,
        sha256 text NOT NULL,
        size_bytes bigint NOT NULL,
        width int NOT NULL,
        height int NOT NULL,
        fps_fraction text NOT NULL,
        fps double precision NOT NULL,
        frame_count int NOT NULL,
        duration_s double precision NOT NULL,
        has_audio boolean NOT NULL,
        codec text NOT NULL,
        is_current boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX master_shot_one_current ON master_shot (campaign_id) WHERE is_current`);
    await q.query(`
      CREATE TABLE plate (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        campaign_id uuid NOT NULL REFERENCES campaign(id) ON DELETE CASCADE,
        filename text NOT NULL,
        storage_key text NOT NULL,
        sha256 text NOT NULL,
        width int NOT NULL,
        height int NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE variant (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        campaign_id uuid NOT NULL REFERENCES campaign(id) ON DELETE CASCADE,
        market_code text NOT NULL,
        label_code text NOT NULL,
        background_code text NOT NULL,
        render_key text NOT NULL,
        params jsonb NOT NULL,
        status text NOT NULL CHECK (status IN ('queued', 'rendering', 'done', 'failed')),
        error text,
        output_key text,
        thumbnail_key text,
        frame_count int,
        duration_s double precision,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (campaign_id, market_code, label_code, background_code)
      )`);
    await q.query(`CREATE INDEX variant_campaign_status ON variant (campaign_id, status)`);
    await q.query(`
      CREATE TABLE render_job (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        variant_id uuid NOT NULL REFERENCES variant(id) ON DELETE CASCADE,
        render_key text NOT NULL,
        status text NOT NULL CHECK (status IN ('queued', 'active', 'done', 'failed', 'superseded')),
        attempts int NOT NULL DEFAULT 0,
        error text,
        queued_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz
      )`);
    await q.query(`CREATE INDEX render_job_variant ON render_job (variant_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['render_job', 'variant', 'plate', 'master_shot', 'dimension_value', 'campaign']) {
      await q.query(`DROP TABLE IF EXISTS ${t}`);
    }
  }
}
