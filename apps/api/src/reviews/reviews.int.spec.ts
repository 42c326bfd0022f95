import type { NestExpressApplication } from '@nestjs/platform-express';
import { DataSource } from 'typeorm';
import { hashPassword } from '@shotmatrix/auth';
import type { CommentThreadView, VariantVersionView, VariantView } from '@shotmatrix/contracts';
import { dataSourceOptions } from '@shotmatrix/persistence';
import { createTestEnv, signedInFetch, TEST_ADMIN, type TestEnv } from '@shotmatrix/testing';
import { createApiApp } from '../bootstrap';

/** Approvals, comments and versions against the real database: races, scope, all-or-nothing, staleness, the audit trail. */
describe('review API (real Postgres, Redis)', () => {
  let env: TestEnv;
  let app: NestExpressApplication;
  let base: string;
  let db: DataSource;
  let admin: typeof fetch;
  let bmDe: typeof fetch;
  let bmDe2: typeof fetch;
  let producer: typeof fetch;
  let campaignId: string;
  const v: Record<string, string> = {};

  const call = async (who: typeof fetch, method: string, url: string, body?: unknown) => {
    const res = await who(`${base}/api${url}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  const decide = (who: typeof fetch, id: string, decision: 'approved' | 'rejected', basedOn: string | null, comment: string | null = null) =>
    call(who, 'POST', `/variants/${id}/decision`, { decision, basedOn, comment });

  beforeAll(async () => {
    env = await createTestEnv('reviews');
    app = await createApiApp(env.config, { logger: false });
    await app.listen(0, '127.0.0.1');
    base = `${await app.getUrl()}`.replace('[::1]', '127.0.0.1');
    db = await new DataSource(dataSourceOptions(env.config.databaseUrl)).initialize();
    const hash = await hashPassword('password for tests');
    const person = (email: string, role: string, markets: string[]) =>
      db.query(`INSERT INTO account (email, name, password_hash, role, markets) VALUES ($1, $1, $2, $3, $4)`, [email, hash, role, markets]);
    await person('dana@de.example', 'brand-manager', ['de']);
    await person('dirk@de.example', 'brand-manager', ['de', 'at']);
    await person('pat@agency.example', 'producer', []);
    admin = await signedInFetch(base, TEST_ADMIN);
    bmDe = await signedInFetch(base, { email: 'dana@de.example', password: 'password for tests' });
    bmDe2 = await signedInFetch(base, { email: 'dirk@de.example', password: 'password for tests' });
    producer = await signedInFetch(base, { email: 'pat@agency.example', password: 'password for tests' });

    const [c] = await db.query(`INSERT INTO campaign (name) VALUES ('Reviews') RETURNING id`);
    campaignId = c.id;
    const [m] = await db.query(
      `INSERT INTO master_shot (campaign_id, filename, storage_key, sha256, size_bytes, width, height, fps_fraction, fps, frame_count, duration_s, has_audio, codec, is_current)
       VALUES ($1, 'm.mp4', 'masters/m.mp4', 'm', 1, 64, 36, '25/1', 25, 100, 4, false, 'h264', true) RETURNING id`,
      [c.id],
    );
    for (const [name, market, status] of [
      ['de1', 'de', 'done'],
      ['de2', 'de', 'done'],
      ['de3', 'de', 'done'],
      ['jp1', 'jp', 'done'],
      ['deWait', 'de', 'queued'],
    ] as const) {
      await db.query(`INSERT INTO render (render_key, status, master_shot_id, params, frame_count) VALUES ($1, $2, $3, '{}', 100)`, [`k-${name}`, status, m.id]);
      const [row] = await db.query(
        `INSERT INTO variant (campaign_id, cell_key, coords, market_code, label_code, background_code, render_key, params)
         VALUES ($1, $2, $3, $4, $5, 'original', $6, '{}') RETURNING id`,
        [c.id, `market=${market};label=${name};background=original`, { market, label: name, background: 'original' }, market, name, `k-${name}`],
      );
      v[name] = row.id;
      await db.query(`INSERT INTO variant_version (variant_id, render_key) VALUES ($1, $2)`, [row.id, `k-${name}`]);
    }
  });

  afterAll(async () => {
    await app?.close();
    await db?.destroy();
    await env?.cleanup();
  });

  it('lets exactly one of two simultaneous decisions win; the other gets 409 naming the winner', async () => {
    const [a, b] = await Promise.all([decide(bmDe, v.de1, 'approved', null), decide(bmDe2, v.de1, 'rejected', null, 'logo too small')]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const lost = a.status === 409 ? a : b;
    expect(lost.body.code).toBe('DECISION_CONFLICT');
    expect(lost.body.message).toMatch(/changed while you were looking: (dana|dirk)@de\.example (approved|rejected) it; reload and decide again/);
    expect(await db.query(`SELECT count(*)::int AS n FROM approval WHERE variant_id = $1`, [v.de1])).toEqual([{ n: 1 }]);
    // The rejection's comment is written with it, and only when it won: a refused decision leaves nothing behind.
    const comments = (await call(bmDe, 'GET', `/variants/${v.de1}/comments`)).body as CommentThreadView[];
    expect(comments.map((c) => c.body)).toEqual(b.status === 200 ? ['logo too small'] : []);
    // Deciding again on the state now shown works.
    const shown = (await call(bmDe, 'GET', `/variants/${v.de1}`)).body as VariantView;
    expect((await decide(bmDe, v.de1, 'approved', shown.approval!.id)).status).toBe(200);
  });

  it('needs a comment to reject, pins it to the frame as a comment, and refuses a variant not rendered yet', async () => {
    const none = await decide(bmDe, v.de2, 'rejected', null, '   ');
    expect(none).toMatchObject({ status: 400, body: { code: 'COMMENT_REQUIRED', message: 'a rejection needs a comment that says what to change' } });
    const ok = await call(bmDe, 'POST', `/variants/${v.de2}/decision`, { decision: 'rejected', basedOn: null, comment: 'price too small', frame: 42 });
    expect(ok.status).toBe(200);
    expect((ok.body as VariantView).approval).toMatchObject({ decision: 'rejected', comment: 'price too small', by: 'dana@de.example', stale: false });
    const threads = (await call(producer, 'GET', `/variants/${v.de2}/comments`)).body as CommentThreadView[];
    expect(threads).toEqual([expect.objectContaining({ frame: 42, body: 'price too small', author: 'dana@de.example', version: 1 })]);
    const waiting = await decide(bmDe, v.deWait, 'approved', null);
    expect(waiting).toMatchObject({ status: 409, body: { code: 'VARIANT_NOT_RENDERED' } });
  });

  it('keeps brand managers to their markets (403, nothing written) and lets producers comment but not decide', async () => {
    const before = await db.query(`SELECT count(*)::int AS n FROM approval`);
    expect(await decide(bmDe, v.jp1, 'approved', null)).toMatchObject({ status: 403, body: { code: 'MARKET_FORBIDDEN' } });
    expect((await decide(producer, v.de3, 'approved', null)).status).toBe(403);
    expect(await db.query(`SELECT count(*)::int AS n FROM approval`)).toEqual(before);
    expect((await call(bmDe, 'POST', `/variants/${v.jp1}/comments`, { body: 'x', frame: 1 })).status).toBe(403);
    expect((await call(producer, 'POST', `/variants/${v.jp1}/comments`, { body: 'fixed in v2', frame: 1 })).status).toBe(201);
  });

  it('bulk-approves all or nothing', async () => {
    const latest = async (id: string) => ((await call(admin, 'GET', `/variants/${id}`)).body as VariantView).approval?.id ?? null;
    // One Japanese cell among them: 403, and none of the German ones is approved either.
    const mixed = await call(bmDe, 'POST', `/campaigns/${campaignId}/decisions`, {
      decision: 'approved',
      variants: [
        { id: v.de3, basedOn: null },
        { id: v.jp1, basedOn: null },
      ],
    });
    expect(mixed).toMatchObject({ status: 403, body: { code: 'MARKET_FORBIDDEN' } });
    expect(await latest(v.de3)).toBeNull();
    // One decided meanwhile (de2 was rejected above): 409, and de3 stays undecided.
    const stale = await call(bmDe, 'POST', `/campaigns/${campaignId}/decisions`, {
      decision: 'approved',
      variants: [
        { id: v.de3, basedOn: null },
        { id: v.de2, basedOn: null },
      ],
    });
    expect(stale).toMatchObject({ status: 409, body: { code: 'DECISION_CONFLICT' } });
    expect(await latest(v.de3)).toBeNull();
    const ok = await call(bmDe, 'POST', `/campaigns/${campaignId}/decisions`, {
      decision: 'approved',
      variants: [
        { id: v.de3, basedOn: null },
        { id: v.de2, basedOn: await latest(v.de2) },
      ],
    });
    expect(ok.status).toBe(200);
    expect(ok.body.decided).toBe(2);
    expect((ok.body.variants as VariantView[]).map((x) => x.approval?.decision)).toEqual(['approved', 'approved']);
    const rejectMany = await call(bmDe, 'POST', `/campaigns/${campaignId}/decisions`, { decision: 'rejected', variants: [{ id: v.de3, basedOn: null }] });
    expect(rejectMany.status).toBe(400);
    expect(rejectMany.body.message).toMatch(/bulk decisions can only approve/);
  });

  it('keeps an approval while the render key stays, makes it stale (not deleted) when a re-render changes it, and lists both versions', async () => {
    await db.query(`INSERT INTO render (render_key, status, master_shot_id, params, frame_count) SELECT 'k-de3-v2', 'done', master_shot_id, '{}', 100 FROM render WHERE render_key = 'k-de3'`);
    await db.query(`UPDATE variant SET render_key = 'k-de3-v2', updated_at = now() WHERE id = $1`, [v.de3]);
    await db.query(`INSERT INTO variant_version (variant_id, render_key) VALUES ($1, 'k-de3-v2')`, [v.de3]);
    const now = (await call(bmDe, 'GET', `/variants/${v.de3}`)).body as VariantView;
    expect(now.approval).toMatchObject({ decision: 'approved', stale: true });
    const versions = (await call(bmDe, 'GET', `/variants/${v.de3}/versions`)).body as VariantVersionView[];
    expect(versions.map((x) => [x.version, x.current, x.decisions.map((d) => d.decision)])).toEqual([
      [1, false, ['approved']],
      [2, true, []],
    ]);
    // A decision on the new version is based on the stale one the reviewer saw.
    expect((await decide(bmDe, v.de3, 'approved', now.approval!.id)).status).toBe(200);
    expect(((await call(bmDe, 'GET', `/variants/${v.de3}`)).body as VariantView).approval).toMatchObject({ stale: false });
  });

  it('threads replies, checks frames, resolves and reopens', async () => {
    const root = await call(bmDe, 'POST', `/variants/${v.de1}/comments`, { body: 'halo on the bottle', frame: 48, region: { x: 0.4, y: 0.2, w: 0.1, h: 0.3 } });
    expect(root.status).toBe(201);
    expect(root.body).toMatchObject({ frame: 48, region: { x: 0.4, y: 0.2, w: 0.1, h: 0.3 }, version: 1, resolvedAt: null });
    const reply = await call(producer, 'POST', `/variants/${v.de1}/comments`, { body: 'choke raised', frame: 48, parentId: root.body.id });
    expect(reply.status).toBe(201);
    expect((await call(bmDe, 'POST', `/variants/${v.de1}/comments`, { body: 'late', frame: 100 })).body.message).toMatch(/^frame: this variant has frames 0 to 99, got 100/);
    expect((await call(bmDe, 'POST', `/variants/${v.de1}/comments`, { body: 'x', frame: 1, region: { x: 0.9, y: 0, w: 0.5, h: 0.1 } })).status).toBe(400);
    const resolved = await call(bmDe, 'POST', `/comments/${root.body.id}/resolve`);
    expect(resolved.body).toMatchObject({ resolvedBy: 'dana@de.example' });
    const threads = (await call(bmDe, 'GET', `/variants/${v.de1}/comments`)).body as CommentThreadView[];
    // Which of the first test's two decisions won is up to the race: its rejection, if it won, left a thread of its own.
    expect(threads.filter((t) => t.body !== 'logo too small')).toEqual([
      expect.objectContaining({ id: root.body.id, replies: [expect.objectContaining({ body: 'choke raised' })] }),
    ]);
    expect((await call(bmDe, 'POST', `/comments/${root.body.id}/reopen`)).body.resolvedAt).toBeNull();
  });

  it('writes every decision to the audit log with who, from what and to what, and tells the producers', async () => {
    const rows: Array<{ action: string; actor_email: string; before: any; after: any }> = await db.query(
      `SELECT action, actor_email, before, after FROM audit_log WHERE entity = 'variant' AND entity_id = $1 ORDER BY id`,
      [v.de3],
    );
    expect(rows.map((r) => r.action)).toEqual(['variant.approve', 'variant.approve']);
    expect(rows[0]).toMatchObject({ actor_email: 'dana@de.example', before: null, after: { decision: 'approved', renderKey: 'k-de3' } });
    expect(rows[1]).toMatchObject({ before: { decision: 'approved', renderKey: 'k-de3' }, after: { decision: 'approved', renderKey: 'k-de3-v2' } });
    const mine = (await call(producer, 'GET', '/notifications')).body as Array<{ type: string; message: string }>;
    expect(mine.map((n) => n.type)).toEqual(expect.arrayContaining(['variant.approved', 'variant.rejected', 'comment.created']));
    expect((await call(bmDe, 'GET', '/notifications')).body.map((n: { type: string }) => n.type)).toEqual(expect.arrayContaining(['comment.created']));
  });
});
