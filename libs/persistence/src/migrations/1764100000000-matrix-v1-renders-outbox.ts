import type { MigrationInterface, QueryRunner } from 'typeorm';

const SYMBOL_CURRENCY: Record<string, string> = { '€': 'EUR', '¥': 'JPY', '£': 'GBP', $: 'USD', '₹': 'INR', '₩': 'KRW', R$: 'BRL' };

/**
 * Matrix v1: the matrix becomes one validated document on the campaign (any
 * number of dimensions, defaults, exclusions, overrides) with an edit
 * version; renders are keyed by content (cells with equal keys share one);
 * jobs leave through a transactional outbox; POSTs can be retried with an
 * Idempotency-Key; each master is analysed once and its renders wait for it.
 * Existing campaigns, variants and their outputs are carried over.
 */
export class MatrixV1RendersOutbox1764100000000 implements MigrationInterface {
  name = 'MatrixV1RendersOutbox1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE campaign ADD COLUMN version int NOT NULL DEFAULT 1, ADD COLUMN matrix jsonb`);
    const rows: Array<{ campaign_id: string; dimension: string; params: Record<string, unknown> }> = await q.query(
      `SELECT campaign_id, dimension, params FROM dimension_value ORDER BY campaign_id, dimension, position`,
    );
    const matrices = new Map<string, { markets: unknown[]; labels: unknown[]; backgrounds: unknown[] }>();
    for (const r of rows) {
      const m = matrices.get(r.campaign_id) ?? { markets: [], labels: [], backgrounds: [] };
      matrices.set(r.campaign_id, m);
      if (r.dimension === 'market') m.markets.push(upgradeMarket(r.params));
      else if (r.dimension === 'label') m.labels.push(r.params);
      else m.backgrounds.push(r.params);
    }
    for (const [id, m] of matrices) await q.query(`UPDATE campaign SET matrix = $2 WHERE id = $1`, [id, JSON.stringify(m)]);
    await q.query(`DROP TABLE dimension_value`);

    await q.query(`
      CREATE TABLE analysis (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        master_sha256 text NOT NULL,
        analyser_version text NOT NULL,
        status text NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
        error text,
        result jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (master_sha256, analyser_version)
      )`);

    await q.query(`
      CREATE TABLE render (
        render_key text PRIMARY KEY,
        status text NOT NULL CHECK (status IN ('waiting', 'queued', 'rendering', 'done', 'failed')),
        error text,
        analysis_id uuid REFERENCES analysis(id),
        master_shot_id uuid NOT NULL REFERENCES master_shot(id),
        params jsonb NOT NULL,
        output_key text,
        thumbnail_key text,
        frame_count int,
        duration_s double precision,
        attempts int NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz
      )`);
    await q.query(`CREATE INDEX render_waiting_analysis ON render (analysis_id) WHERE status = 'waiting'`);
    await q.query(`CREATE INDEX render_open ON render (updated_at) WHERE status IN ('queued', 'rendering')`);
    // Carry existing variants' renders over, outputs included.
    await q.query(`
      INSERT INTO render (render_key, status, error, master_shot_id, params, output_key, thumbnail_key, frame_count, duration_s, created_at, updated_at)
      SELECT DISTINCT ON (render_key) render_key, status, error, (params->>'masterShotId')::uuid, params, output_key, thumbnail_key, frame_count, duration_s, created_at, updated_at
      FROM variant ORDER BY render_key, updated_at DESC
      ON CONFLICT DO NOTHING`);

    await q.query(`ALTER TABLE variant ADD COLUMN cell_key text, ADD COLUMN coords jsonb`);
    await q.query(`
      UPDATE variant SET
        cell_key = 'market=' || market_code || ';label=' || label_code || ';background=' || background_code,
        coords = jsonb_build_object('market', market_code, 'label', label_code, 'background', background_code)`);
    await q.query(`ALTER TABLE variant ALTER COLUMN cell_key SET NOT NULL, ALTER COLUMN coords SET NOT NULL`);
    const [old] = await q.query(`SELECT conname FROM pg_constraint WHERE conrelid = 'variant'::regclass AND contype = 'u'`);
    if (old) await q.query(`ALTER TABLE variant DROP CONSTRAINT "${old.conname}"`);
    await q.query(`ALTER TABLE variant ADD CONSTRAINT variant_cell UNIQUE (campaign_id, cell_key)`);
    await q.query(`DROP INDEX variant_campaign_status`);
    await q.query(`
      ALTER TABLE variant
        DROP COLUMN status, DROP COLUMN error, DROP COLUMN output_key, DROP COLUMN thumbnail_key,
        DROP COLUMN frame_count, DROP COLUMN duration_s,
        ADD CONSTRAINT variant_render FOREIGN KEY (render_key) REFERENCES render(render_key)`);
    await q.query(`CREATE INDEX variant_render_key ON variant (render_key)`);
    await q.query(`DROP TABLE render_job`);

    await q.query(`
      CREATE TABLE approval (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        variant_id uuid NOT NULL REFERENCES variant(id) ON DELETE CASCADE,
        render_key text NOT NULL,
        decision text NOT NULL CHECK (decision IN ('approved', 'rejected')),
        decided_by text,
        comment text,
        decided_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX approval_variant ON approval (variant_id, decided_at DESC)`);

    await q.query(`
      CREATE TABLE outbox (
        id bigserial PRIMARY KEY,
        queue text NOT NULL,
        job_id text NOT NULL,
        payload jsonb NOT NULL,
        replace boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz
      )`);
    await q.query(`CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL`);

    await q.query(`
      CREATE TABLE idempotency_key (
        key text NOT NULL,
        scope text NOT NULL,
        request_hash text NOT NULL,
        status_code int,
        response jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (scope, key)
      )`);
  }

  async down(): Promise<void> {
    // Data written after this migration (renders shared between cells, approvals) has no place in the old schema.
    throw new Error('MatrixV1RendersOutbox1764100000000 cannot be reverted; restore a backup instead');
  }
}

/** v0 prices were free text ("1,99 €"); v1 wants a number and a currency. Keep the text when it does not parse. */
function upgradeMarket(params: Record<string, unknown>): Record<string, unknown> {
  const copy = { ...((params.copy as Record<string, unknown>) ?? {}) };
  const market: Record<string, unknown> = { ...params, copy };
  if (typeof copy.price === 'string') {
    const text = copy.price;
    const symbol = Object.keys(SYMBOL_CURRENCY).find((s) => text.includes(s));
    const n = Number(text.replace(/[^\d,.]/g, '').replace(/\.(?=\d{3}\b)/g, '').replace(',', '.'));
    if (symbol && Number.isFinite(n) && !market.currency) {
      copy.price = n;
      market.currency = SYMBOL_CURRENCY[symbol];
    } else {
      delete copy.price;
      copy.price_text = text;
    }
  }
  return market;
}
