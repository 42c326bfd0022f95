import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Accounts with roles (brand managers scoped to markets), sessions and API
 * tokens (stored as hashes), invitations; an append-only audit log that the
 * database itself refuses to change; review comments pinned to frames;
 * in-app notifications and signed webhooks with their deliveries; the
 * versions (render keys) each variant has had.
 */
export class AccountsAuditReviews1764400000000 implements MigrationInterface {
  name = 'AccountsAuditReviews1764400000000';

  async up(q: QueryRunner): Promise<void> {
    const role = `CHECK (role IN ('admin', 'producer', 'brand-manager', 'ops', 'viewer'))`;
    await q.query(`
      CREATE TABLE account (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL,
        name text NOT NULL,
        password_hash text NOT NULL,
        role text NOT NULL ${role},
        markets text[] NOT NULL DEFAULT '{}',
        disabled_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX account_email ON account (lower(email))`);
    await q.query(`
      CREATE TABLE auth_token (
        token_hash text PRIMARY KEY,
        account_id uuid NOT NULL REFERENCES account(id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('session', 'api')),
        label text,
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz
      )`);
    await q.query(`CREATE INDEX auth_token_account ON auth_token (account_id)`);
    await q.query(`
      CREATE TABLE invitation (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        token_hash text NOT NULL UNIQUE,
        email text NOT NULL,
        role text NOT NULL ${role},
        markets text[] NOT NULL DEFAULT '{}',
        invited_by uuid REFERENCES account(id) ON DELETE SET NULL,
        expires_at timestamptz NOT NULL,
        accepted_at timestamptz,
        account_id uuid REFERENCES account(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE audit_log (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT clock_timestamp(),
        actor_id uuid,
        actor_email text,
        action text NOT NULL,
        entity text NOT NULL,
        entity_id text,
        campaign_id uuid,
        before jsonb,
        after jsonb
      )`);
    await q.query(`CREATE INDEX audit_log_campaign ON audit_log (campaign_id, id)`);
    await q.query(`CREATE INDEX audit_log_entity ON audit_log (entity, entity_id, id)`);
    // Append-only by the database's own hand: no code path (nor a stray psql) can rewrite history.
    await q.query(`
      CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`);
    await q.query(`CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`);

    await q.query(`ALTER TABLE approval ADD COLUMN decided_by_id uuid REFERENCES account(id) ON DELETE SET NULL`);

    // Every render key a variant has had: its versions (a re-render with new settings is a new one).
    await q.query(`
      CREATE TABLE variant_version (
        variant_id uuid NOT NULL REFERENCES variant(id) ON DELETE CASCADE,
        render_key text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (variant_id, render_key)
      )`);
    await q.query(`INSERT INTO variant_version (variant_id, render_key, created_at) SELECT id, render_key, created_at FROM variant`);
    await q.query(`
      CREATE TABLE comment (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        variant_id uuid NOT NULL REFERENCES variant(id) ON DELETE CASCADE,
        parent_id uuid REFERENCES comment(id) ON DELETE CASCADE,
        render_key text NOT NULL,
        frame int NOT NULL CHECK (frame >= 0),
        region jsonb,
        body text NOT NULL,
        author_id uuid REFERENCES account(id) ON DELETE SET NULL,
        author_name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        resolved_at timestamptz,
        resolved_by uuid REFERENCES account(id) ON DELETE SET NULL
      )`);
    await q.query(`CREATE INDEX comment_variant ON comment (variant_id, created_at)`);

    await q.query(`
      CREATE TABLE notification (
        id bigserial PRIMARY KEY,
        account_id uuid NOT NULL REFERENCES account(id) ON DELETE CASCADE,
        type text NOT NULL,
        campaign_id uuid,
        variant_id uuid,
        message text NOT NULL,
        -- Several API processes may notice the same happening; each person hears of it once.
        dedupe_key text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        read_at timestamptz,
        UNIQUE (account_id, dedupe_key)
      )`);
    await q.query(`CREATE INDEX notification_account ON notification (account_id, id DESC)`);

    await q.query(`
      CREATE TABLE webhook (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        url text NOT NULL,
        secret text NOT NULL,
        events text[] NOT NULL,
        created_by uuid REFERENCES account(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        disabled_at timestamptz
      )`);
    await q.query(`
      CREATE TABLE webhook_delivery (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        webhook_id uuid NOT NULL REFERENCES webhook(id) ON DELETE CASCADE,
        event text NOT NULL,
        -- One delivery per hook and happening, however many API processes noticed it.
        dedupe_key text NOT NULL,
        payload jsonb NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts int NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        last_error text,
        response_status int,
        created_at timestamptz NOT NULL DEFAULT now(),
        delivered_at timestamptz,
        UNIQUE (webhook_id, dedupe_key)
      )`);
    await q.query(`CREATE INDEX webhook_delivery_due ON webhook_delivery (next_attempt_at) WHERE status = 'pending'`);
  }

  async down(q: QueryRunner): Promise<void> {
    // History, comments and people are not ours to drop: refuse rather than lose them.
    const [held] = await q.query(
      `SELECT (SELECT count(*) FROM audit_log)::int AS audit, (SELECT count(*) FROM comment)::int AS comments, (SELECT count(*) FROM account)::int AS accounts`,
    );
    if (held.audit || held.comments || held.accounts) {
      throw new Error(
        `AccountsAuditReviews1764400000000 cannot be reverted: ${held.audit} audit entries, ${held.comments} comments and ${held.accounts} accounts would be lost`,
      );
    }
    await q.query(`DROP TABLE webhook_delivery`);
    await q.query(`DROP TABLE webhook`);
    await q.query(`DROP TABLE notification`);
    await q.query(`DROP TABLE comment`);
    await q.query(`DROP TABLE variant_version`);
    await q.query(`ALTER TABLE approval DROP COLUMN decided_by_id`);
    await q.query(`DROP TABLE audit_log`);
    await q.query(`DROP FUNCTION audit_log_append_only`);
    await q.query(`DROP TABLE invitation`);
    await q.query(`DROP TABLE auth_token`);
    await q.query(`DROP TABLE account`);
  }
}
