import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions, MIGRATIONS, runMigrations } from './data-source';

// A scratch database of its own (the testing lib depends on this lib, so it cannot be used here).
const adminUrl = process.env.SHOTMATRIX_TEST_PG_ADMIN_URL ?? 'postgres://shotmatrix@127.0.0.1:54339/postgres';
const dbName = `t_migrations_${randomBytes(4).toString('hex')}`;
const admin = async (sql: string) => {
  const c = new Client({ connectionString: adminUrl });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
};

describe('migrations (real Postgres)', () => {
  let db: DataSource;

  beforeAll(async () => {
    await admin(`CREATE DATABASE "${dbName}"`);
    const url = new URL(adminUrl);
    url.pathname = `/${dbName}`;
    // Stop after the first migration, write v0 data, then migrate it forward: nothing may be lost.
    const v0 = await new DataSource({ ...dataSourceOptions(url.toString()), migrations: MIGRATIONS.slice(0, 1) }).initialize();
    await v0.runMigrations();
    await seedV0(v0);
    await v0.destroy();
    expect(await runMigrations(url.toString())).toEqual(['MatrixV1RendersOutbox1764100000000', 'AnalysisStagesKeyframes1764200000000', 'RenderOutputsQcLuts1764300000000', 'AccountsAuditReviews1764400000000']);
    db = await new DataSource(dataSourceOptions(url.toString())).initialize();
  });

  afterAll(async () => {
    await db?.destroy();
    await admin(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  });

  it('creates every table the entities map', async () => {
    const tables: Array<{ tablename: string }> = await db.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'");
    const names = tables.map((t) => t.tablename);
    for (const meta of db.entityMetadatas) expect(names).toContain(meta.tableName);
    expect(await db.showMigrations()).toBe(false);
  });

  it('gives existing masters empty keyframes at version 1 and tracks one plane per seed set', async () => {
    const [{ id }] = await db.query("INSERT INTO campaign (name) VALUES ('k') RETURNING id");
    const [m] = await db.query(
      `INSERT INTO master_shot (campaign_id, filename, storage_key, sha256, size_bytes, width, height, fps_fraction, fps, frame_count, duration_s, has_audio, codec, is_current)
       VALUES ($1, 'm.mp4', 'masters/k.mp4', 'k', 1, 2, 2, '25/1', 25, 1, 0.04, false, 'h264', false) RETURNING keyframes, keyframes_version`,
      [id],
    );
    expect(m).toEqual({ keyframes: [], keyframes_version: 1 });
    const [a] = await db.query(`INSERT INTO analysis (master_sha256, analyser_version, status) VALUES ('k', 'a0.3', 'queued') RETURNING id`);
    const plane = (hash: string) =>
      db.query(`INSERT INTO plane_track (analysis_id, plane, seeds_hash, seeds, status) VALUES ($1, 'front', $2, '[]', 'waiting')`, [a.id, hash]);
    await plane('h1');
    await plane('h2');
    await expect(plane('h1')).rejects.toThrow(/duplicate key/);
    await expect(db.query(`UPDATE plane_track SET status = 'lost' WHERE seeds_hash = 'h1'`)).rejects.toThrow(/check constraint/);
  });

  it('keeps the audit log append-only: updates, deletes and truncation are refused by the database', async () => {
    await db.query(`INSERT INTO audit_log (actor_email, action, entity, entity_id, before, after) VALUES ('a@x', 'variant.approve', 'variant', 'v1', null, '{"d": 1}')`);
    await expect(db.query(`UPDATE audit_log SET actor_email = 'b@x'`)).rejects.toThrow(/append-only \(UPDATE refused\)/);
    await expect(db.query(`DELETE FROM audit_log`)).rejects.toThrow(/append-only \(DELETE refused\)/);
    await expect(db.query(`TRUNCATE audit_log`)).rejects.toThrow(/append-only \(TRUNCATE refused\)/);
    expect(await db.query(`SELECT actor_email FROM audit_log`)).toEqual([{ actor_email: 'a@x' }]);
  });

  it('keeps e-mail addresses unique whatever their case', async () => {
    const add = (email: string) => db.query(`INSERT INTO account (email, name, password_hash, role) VALUES ($1, 'n', 'h', 'viewer')`, [email]);
    await add('Anna@Example.com');
    await expect(add('anna@example.COM')).rejects.toThrow(/account_email/);
    await expect(db.query(`INSERT INTO account (email, name, password_hash, role) VALUES ('r@x', 'n', 'h', 'root')`)).rejects.toThrow(/check constraint/);
  });

  it('allows one current master per campaign and keeps superseded ones', async () => {
    const [{ id }] = await db.query("INSERT INTO campaign (name) VALUES ('c') RETURNING id");
    const insert = (current: boolean) =>
      db.query(
        `INSERT INTO master_shot (campaign_id, filename, storage_key, sha256, size_bytes, width, height, fps_fraction, fps, frame_count, duration_s, has_audio, codec, is_current)
         VALUES ($1, 'm.mp4', 'masters/x.mp4', 'x', 1, 2, 2, '25/1', 25, 1, 0.04, false, 'h264', $2)`,
        [id, current],
      );
    await insert(true);
    await insert(false);
    await expect(insert(true)).rejects.toThrow(/master_shot_one_current/);
  });

  it('carries v0 campaigns over: matrix, prices as numbers with a currency, renders with their outputs', async () => {
    const [c] = await db.query(`SELECT matrix, version FROM campaign WHERE name = 'v0'`);
    expect(c.version).toBe(1);
    expect(c.matrix.markets).toEqual([
      { code: 'de', name: 'Germany', locale: 'de-DE', currency: 'EUR', copy: { headline: 'Frisch', price: 1.99 } },
      { code: 'jp', name: 'Japan', locale: 'ja-JP', copy: { headline: '新鮮', price_text: 'ask in store' } },
    ]);
    expect(c.matrix.labels).toEqual([{ code: 'classic', template: 'label-classic', fields: {} }]);
    const [v] = await db.query(
      `SELECT v.cell_key, v.coords, r.status, r.output_key FROM variant v JOIN render r USING (render_key) WHERE v.market_code = 'de'`,
    );
    expect(v).toEqual({
      cell_key: 'market=de;label=classic;background=original',
      coords: { market: 'de', label: 'classic', background: 'original' },
      status: 'done',
      output_key: 'variants/k1/output.mp4',
    });
  });

  it('rejects a render status outside the state machine', async () => {
    await expect(
      db.query(`UPDATE render SET status = 'approved' WHERE render_key = 'k1'`),
    ).rejects.toThrow(/check constraint/);
  });

  it('reverts the accounts (only when empty), outputs/QC/LUT and analysis-stages migrations, but refuses to revert the matrix migration rather than lose data', async () => {
    const tables = async () =>
      ((await db.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")) as Array<{ tablename: string }>).map((t) => t.tablename);
    await expect(db.undoLastMigration()).rejects.toThrow(/cannot be reverted: 1 audit entries, 0 comments and 1 accounts would be lost/);
    expect(await tables()).toContain('audit_log');
    // As an operator would after exporting them: the audit trigger has to be switched off by hand first.
    await db.query(`ALTER TABLE audit_log DISABLE TRIGGER USER; DELETE FROM audit_log; DELETE FROM account`);
    await db.undoLastMigration();
    expect(await tables()).not.toContain('audit_log');
    expect(await tables()).toContain('lut');
    await db.undoLastMigration();
    expect(await tables()).not.toContain('lut');
    const renderColumns: Array<{ column_name: string }> = await db.query(
      "SELECT column_name FROM information_schema.columns WHERE table_name = 'render' AND column_name IN ('outputs', 'qc')",
    );
    expect(renderColumns).toEqual([]);
    await db.undoLastMigration();
    expect(await tables()).not.toContain('plane_track');
    await expect(db.undoLastMigration()).rejects.toThrow(/cannot be reverted/);
    expect(await db.showMigrations()).toBe(true);
    await db.runMigrations();
    expect(await db.showMigrations()).toBe(false);
  });
});

async function seedV0(db: DataSource): Promise<void> {
  const [{ id }] = await db.query("INSERT INTO campaign (name) VALUES ('v0') RETURNING id");
  const [{ id: masterId }] = await db.query(
    `INSERT INTO master_shot (campaign_id, filename, storage_key, sha256, size_bytes, width, height, fps_fraction, fps, frame_count, duration_s, has_audio, codec)
     VALUES ($1, 'm.mp4', 'masters/m.mp4', 'm', 1, 2, 2, '25/1', 25, 1, 0.04, false, 'h264') RETURNING id`,
    [id],
  );
  const dims: Array<[string, string, number, object]> = [
    ['market', 'de', 0, { code: 'de', name: 'Germany', locale: 'de-DE', copy: { headline: 'Frisch', price: '1,99 €' } }],
    ['market', 'jp', 1, { code: 'jp', name: 'Japan', locale: 'ja-JP', copy: { headline: '新鮮', price: 'ask in store' } }],
    ['label', 'classic', 0, { code: 'classic', template: 'label-classic', fields: {} }],
    ['background', 'original', 0, { code: 'original' }],
  ];
  for (const [dimension, code, position, params] of dims) {
    await db.query(`INSERT INTO dimension_value (campaign_id, dimension, code, position, params) VALUES ($1, $2, $3, $4, $5)`, [
      id,
      dimension,
      code,
      position,
      JSON.stringify(params),
    ]);
  }
  for (const [market, key, status, out] of [
    ['de', 'k1', 'done', 'variants/k1/output.mp4'],
    ['jp', 'k2', 'failed', null],
  ]) {
    await db.query(
      `INSERT INTO variant (campaign_id, market_code, label_code, background_code, render_key, params, status, output_key)
       VALUES ($1, $2, 'classic', 'original', $3, $4, $5, $6)`,
      [id, market, key, JSON.stringify({ masterShotId: masterId }), status, out],
    );
  }
}
