import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions, runMigrations } from './data-source';

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
    expect(await runMigrations(url.toString())).toEqual(['InitialSchema1764000000000']);
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

  it('rejects a variant status outside the state machine', async () => {
    const [{ id }] = await db.query("INSERT INTO campaign (name) VALUES ('c2') RETURNING id");
    await expect(
      db.query(
        `INSERT INTO variant (campaign_id, market_code, label_code, background_code, render_key, params, status)
         VALUES ($1, 'de', 'l', 'b', 'k', '{}', 'approved')`,
        [id],
      ),
    ).rejects.toThrow(/check constraint/);
  });

  it('rolls back cleanly', async () => {
    await db.undoLastMigration();
    const tables: Array<{ n: string }> = await db.query("SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migration'");
    expect(Number(tables[0].n)).toBe(0);
    await db.runMigrations();
    expect(await db.showMigrations()).toBe(false);
  });
});
