import type { NestExpressApplication } from '@nestjs/platform-express';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '@shotmatrix/persistence';
import { createTestEnv, signedInFetch, TEST_ADMIN, type TestEnv } from '@shotmatrix/testing';
import { createApiApp } from '../bootstrap';
import { SessionsService } from './sessions.service';

/** People and sessions against the real database: invitations, sign-in, tokens, disabling, the last admin. */
describe('accounts and sessions (real Postgres, Redis)', () => {
  let env: TestEnv;
  let app: NestExpressApplication;
  let base: string;
  let db: DataSource;
  let admin: typeof fetch;

  const post = async (url: string, body: unknown, opts: { via?: typeof fetch; headers?: Record<string, string> } = {}) => {
    const res = await (opts.via ?? fetch)(`${base}/api${url}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...opts.headers },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
  };
  const invite = async (email: string, role: string, markets: string[] = []) => {
    const r = await post('/accounts/invitations', { email, role, markets }, { via: admin });
    expect(r.status).toBe(201);
    return r.body as { id: string; token: string };
  };
  const accept = (token: string, password = 'a long password', name = 'New Person') => post('/auth/invitations/accept', { token, name, password });

  beforeAll(async () => {
    env = await createTestEnv('accounts');
    app = await createApiApp(env.config, { logger: false });
    await app.listen(0, '127.0.0.1');
    base = `${await app.getUrl()}`.replace('[::1]', '127.0.0.1');
    db = await new DataSource(dataSourceOptions(env.config.databaseUrl)).initialize();
    admin = await signedInFetch(base, TEST_ADMIN);
  });

  afterAll(async () => {
    await app?.close();
    await db?.destroy();
    await env?.cleanup();
  });

  it('invites once: the link works one time, shows what it is for, and a weak password changes nothing', async () => {
    const inv = await invite('bea@brand.example', 'brand-manager', ['de', 'at']);
    expect((await fetch(`${base}/api/auth/invitations/${inv.token}`).then((r) => r.json())) as object).toMatchObject({
      email: 'bea@brand.example',
      role: 'brand-manager',
      markets: ['de', 'at'],
    });
    expect(await accept(inv.token, 'short')).toMatchObject({ status: 400, body: { code: 'PASSWORD_WEAK' } });
    const ok = await accept(inv.token);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ email: 'bea@brand.example', role: 'brand-manager', markets: ['de', 'at'] });
    expect(ok.headers.get('set-cookie')).toMatch(/^smx_session=smx_s_[\w-]+;.*HttpOnly/i);
    expect(await accept(inv.token)).toMatchObject({ status: 409, body: { code: 'INVITATION_USED' } });
    expect(await accept('smx_i_made_up')).toMatchObject({ status: 404, body: { code: 'INVITATION_UNKNOWN' } });
    // An expired invitation is refused too.
    const old = await invite('late@brand.example', 'viewer');
    await db.query(`UPDATE invitation SET expires_at = now() - interval '1 minute' WHERE id = $1`, [old.id]);
    expect(await accept(old.token)).toMatchObject({ status: 409, body: { code: 'INVITATION_EXPIRED' } });
    // Only the matrix's market codes; brand managers need one, others none.
    expect((await post('/accounts/invitations', { email: 'x@y.example', role: 'brand-manager', markets: [] }, { via: admin })).status).toBe(400);
    expect((await post('/accounts/invitations', { email: 'x@y.example', role: 'brand-manager', markets: ['de_at'] }, { via: admin })).status).toBe(400);
    expect((await post('/accounts/invitations', { email: 'x@y.example', role: 'ops', markets: ['de'] }, { via: admin })).status).toBe(400);
    expect((await post('/accounts/invitations', { email: 'BEA@brand.example', role: 'viewer' }, { via: admin })).body.code).toBe('ACCOUNT_EXISTS');

    // A mis-sent invitation is listed and can be revoked: its link stops working at once.
    const wrong = await invite('typo@brand.exmaple', 'producer');
    const pending = (await admin(`${base}/api/accounts/invitations`).then((r) => r.json())) as Array<{ id: string; email: string }>;
    expect(pending.map((p) => p.email)).toEqual(['typo@brand.exmaple']);
    expect((await admin(`${base}/api/accounts/invitations/${wrong.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await admin(`${base}/api/accounts/invitations/${wrong.id}`, { method: 'DELETE' })).status).toBe(404);
    expect(await accept(wrong.token)).toMatchObject({ status: 409, body: { code: 'INVITATION_EXPIRED' } });
    expect(await admin(`${base}/api/accounts/invitations`).then((r) => r.json())).toEqual([]);
  });

  it('signs in with JSON only, refuses wrong passwords alike for unknown and known addresses, and slows guessing down', async () => {
    const form = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `email=${encodeURIComponent(TEST_ADMIN.email)}&password=${encodeURIComponent(TEST_ADMIN.password)}`,
    });
    expect(form.status).toBe(415);
    const unknown = await post('/auth/login', { email: 'nobody@x.example', password: 'whatever it is' });
    const wrong = await post('/auth/login', { email: 'bea@brand.example', password: 'not the password' });
    expect(unknown).toMatchObject({ status: 401, body: { code: 'LOGIN_FAILED' } });
    expect(wrong.body).toEqual(unknown.body);
    for (let i = 0; i < 4; i++) await post('/auth/login', { email: 'bea@brand.example', password: `guess ${i} guess` });
    const locked = await post('/auth/login', { email: 'bea@brand.example', password: 'a long password' });
    expect(locked).toMatchObject({ status: 429, body: { code: 'LOGIN_THROTTLED' } });
    const failures = await db.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'session.login_failed' AND after->>'email' = 'bea@brand.example'`);
    expect(failures).toEqual([{ n: 5 }]);
  });

  it('issues API tokens from a session only, and signing out ends the session', async () => {
    const session = await signedInFetch(base, TEST_ADMIN);
    const t = await post('/auth/tokens', { label: 'ci' }, { via: session });
    expect(t.status).toBe(201);
    const bearer = { authorization: `Bearer ${t.body.token}` };
    expect((await fetch(`${base}/api/auth/me`, { headers: bearer })).status).toBe(200);
    expect(await post('/auth/tokens', { label: 'again' }, { headers: bearer })).toMatchObject({ status: 403, body: { code: 'TOKEN_FROM_TOKEN' } });
    // The token is stored as a hash only, listed without its secret, and can be revoked.
    expect(await db.query(`SELECT count(*)::int AS n FROM auth_token WHERE token_hash = $1`, [t.body.token])).toEqual([{ n: 0 }]);
    const mine = (await session(`${base}/api/auth/tokens`).then((r) => r.json())) as Array<{ id: string; label: string; lastUsedAt: string | null }>;
    expect(mine).toEqual([expect.objectContaining({ label: 'ci', lastUsedAt: expect.any(String) })]);
    expect(JSON.stringify(mine)).not.toContain(t.body.token);
    // Someone else cannot revoke it (it is not theirs to name).
    await accept((await invite('tom@agency.example', 'viewer')).token);
    const tom = await signedInFetch(base, { email: 'tom@agency.example', password: 'a long password' });
    expect((await tom(`${base}/api/auth/tokens/${mine[0].id}`, { method: 'DELETE' })).status).toBe(404);
    expect((await session(`${base}/api/auth/tokens/${mine[0].id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await fetch(`${base}/api/auth/me`, { headers: bearer })).status).toBe(401);
    expect((await session(`${base}/api/auth/logout`, { method: 'POST' })).status).toBe(204);
    expect((await session(`${base}/api/auth/me`)).status).toBe(401);
  });

  it('ends the sessions of an account that is disabled or changes role, and keeps one enabled admin', async () => {
    const inv = await invite('ann@agency.example', 'admin');
    expect((await accept(inv.token)).status).toBe(200);
    const ann = await signedInFetch(base, { email: 'ann@agency.example', password: 'a long password' });
    const [{ id: annId }] = await db.query(`SELECT id FROM account WHERE email = 'ann@agency.example'`);
    const [{ id: rootId }] = await db.query(`SELECT id FROM account WHERE email = $1`, [TEST_ADMIN.email]);
    const patch = (via: typeof fetch, id: string, body: unknown) =>
      via(`${base}/api/accounts/${id}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(async (r) => ({
        status: r.status,
        body: await r.json(),
      }));

    // Two admins demoting each other at once: one of them stays admin.
    const [a, b] = await Promise.all([patch(admin, annId, { role: 'viewer' }), patch(ann, rootId, { role: 'viewer' })]);
    const admins = await db.query(`SELECT count(*)::int AS n FROM account WHERE role = 'admin' AND disabled_at IS NULL`);
    expect(admins).toEqual([{ n: 1 }]);
    expect([a.status, b.status]).toContain(200);

    // Whoever lost the role signs in again; the remaining admin cannot disable themselves away.
    const remaining = a.status === 200 ? { via: admin, id: rootId, other: annId } : { via: ann, id: annId, other: rootId };
    expect(await patch(remaining.via, remaining.id, { disabled: true })).toMatchObject({ status: 409, body: { code: 'LAST_ADMIN' } });
    const demoted = remaining.via === admin ? ann : admin;
    expect((await demoted(`${base}/api/auth/me`)).status).toBe(401);

    // Disabling ends sessions at once and refuses sign-in.
    const v = await invite('vic@agency.example', 'viewer');
    await accept(v.token);
    const vic = await signedInFetch(base, { email: 'vic@agency.example', password: 'a long password' });
    const [{ id: vicId }] = await db.query(`SELECT id FROM account WHERE email = 'vic@agency.example'`);
    expect((await patch(remaining.via, vicId, { disabled: true })).body).toMatchObject({ disabled: true });
    expect((await vic(`${base}/api/campaigns`)).status).toBe(401);
    expect((await post('/auth/login', { email: 'vic@agency.example', password: 'a long password' })).status).toBe(401);
    const audit = await db.query(`SELECT action, before->>'disabled' AS was, after->>'disabled' AS now FROM audit_log WHERE entity_id = $1 AND action = 'account.update'`, [vicId]);
    expect(audit).toEqual([{ action: 'account.update', was: 'false', now: 'true' }]);
  });

  it('ends an open event stream when its session ends', async () => {
    app.get(SessionsService).streamCheckMs = 200;
    const [c] = await db.query(`INSERT INTO campaign (name) VALUES ('Streams') RETURNING id`);
    const session = await signedInFetch(base, TEST_ADMIN);
    const res = await session(`${base}/api/campaigns/${c.id}/events`);
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes('"type":"snapshot"')) text += new TextDecoder().decode((await reader.read()).value);
    expect((await session(`${base}/api/auth/logout`, { method: 'POST' })).status).toBe(204);
    // The server closes the stream within a check or two; the reader then sees its end.
    const ended = await Promise.race([
      (async () => {
        for (;;) if ((await reader.read()).done) return true;
      })(),
      new Promise((r) => setTimeout(() => r(false), 5000)),
    ]);
    expect(ended).toBe(true);
    expect((await session(`${base}/api/campaigns/${c.id}/events`)).status).toBe(401);
  });
});
