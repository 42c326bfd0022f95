import type { NestExpressApplication } from '@nestjs/platform-express';
import { DataSource } from 'typeorm';
import { hashPassword, ROLES, type Role } from '@shotmatrix/auth';
import { dataSourceOptions } from '@shotmatrix/persistence';
import { createTestEnv, signedInFetch, TEST_ADMIN, type TestEnv } from '@shotmatrix/testing';
import { createApiApp } from '../bootstrap';

/**
 * Every endpoint × every role (and no session at all) × the market of the
 * cell it touches. The table is written out by hand, not derived from the
 * decorators, and must list exactly the endpoints the API serves: a new
 * endpoint without a row fails here.
 */
type Who = Role | 'anonymous';
const EVERYONE: Role[] = [...ROLES];

interface Row {
  /** Roles allowed; `public` for no session needed, `signed` for a signed media URL (no role helps). */
  allow: Role[] | 'public' | 'signed';
  /** Brand managers only on cells of their markets: tried on a German (their) and a Japanese cell. */
  market?: true;
}

const R = (allow: Row['allow'], market?: true): Row => ({ allow, ...(market ? { market } : {}) });
const WRITE: Role[] = ['admin', 'producer'];
const DECIDE: Role[] = ['admin', 'brand-manager'];
const COMMENT: Role[] = ['admin', 'producer', 'brand-manager'];

const TABLE: Record<string, Row> = {
  'POST /api/auth/login': R('public'),
  'POST /api/auth/logout': R(EVERYONE),
  'GET /api/auth/me': R(EVERYONE),
  'POST /api/auth/tokens': R(EVERYONE),
  'GET /api/auth/invitations/{token}': R('public'),
  'POST /api/auth/invitations/accept': R('public'),
  'GET /api/accounts': R(['admin']),
  'POST /api/accounts/invitations': R(['admin']),
  'PATCH /api/accounts/{id}': R(['admin']),
  'GET /api/accounts/invitations': R(['admin']),
  'DELETE /api/accounts/invitations/{id}': R(['admin']),
  'GET /api/auth/tokens': R(EVERYONE),
  'DELETE /api/auth/tokens/{id}': R(EVERYONE),
  'GET /api/audit': R(['admin', 'ops']),
  'GET /api/notifications': R(EVERYONE),
  'POST /api/notifications/read': R(EVERYONE),
  'GET /api/health': R('public'),
  'GET /api/media/{key}': R('signed'),
  'GET /api/campaigns': R(EVERYONE),
  'POST /api/campaigns': R(WRITE),
  'POST /api/campaigns/import': R(WRITE),
  'GET /api/campaigns/{id}': R(EVERYONE),
  'GET /api/campaigns/{id}/file': R(EVERYONE),
  'PUT /api/campaigns/{id}/file': R(WRITE),
  'POST /api/campaigns/{id}/copy-deck': R(WRITE),
  'POST /api/campaigns/{id}/master': R(WRITE),
  'POST /api/campaigns/{id}/master/from-s3': R(WRITE),
  'POST /api/campaigns/{id}/plates': R(WRITE),
  'POST /api/campaigns/{id}/luts': R(WRITE),
  'PUT /api/campaigns/{id}/matrix': R(WRITE),
  'POST /api/campaigns/{id}/expand': R(WRITE),
  'GET /api/campaigns/{id}/events': R(EVERYONE),
  'GET /api/campaigns/{id}/master': R(EVERYONE),
  'GET /api/campaigns/{id}/master/keyframes': R(EVERYONE),
  'PUT /api/campaigns/{id}/master/keyframes': R(WRITE),
  'GET /api/campaigns/{id}/master/frames/{n}': R(EVERYONE),
  'GET /api/variants/{id}': R(EVERYONE),
  'GET /api/variants/{id}/versions': R(EVERYONE),
  'GET /api/variants/{id}/comments': R(EVERYONE),
  'POST /api/variants/{id}/comments': R(COMMENT, true),
  'POST /api/comments/{id}/resolve': R(COMMENT, true),
  'POST /api/comments/{id}/reopen': R(COMMENT, true),
  'POST /api/variants/{id}/decision': R(DECIDE, true),
  'POST /api/campaigns/{id}/decisions': R(DECIDE, true),
  'GET /api/webhooks': R(['admin']),
  'POST /api/webhooks': R(['admin']),
  'DELETE /api/webhooks/{id}': R(['admin']),
  'GET /api/webhooks/{id}/deliveries': R(['admin']),
  'POST /api/webhooks/{id}/test': R(['admin']),
  'GET /api/ops/summary': R(['admin', 'producer', 'ops']),
  'GET /api/ops/events': R(['admin', 'producer', 'ops']),
  'POST /api/ops/renders/{renderKey}/retry': R(['admin', 'ops']),
  'POST /api/ops/renders/{renderKey}/cancel': R(['admin', 'ops']),
};

describe('access: every endpoint × role × market (real Postgres, Redis)', () => {
  let env: TestEnv;
  let app: NestExpressApplication;
  let base: string;
  let db: DataSource;
  const sessions = new Map<Who, typeof fetch>();
  const ids = { campaign: '', de: '', jp: '', deComment: '', jpComment: '', account: '' };

  beforeAll(async () => {
    env = await createTestEnv('access');
    app = await createApiApp(env.config, { logger: false });
    await app.listen(0, '127.0.0.1');
    base = `${await app.getUrl()}`.replace('[::1]', '127.0.0.1');
    db = await new DataSource(dataSourceOptions(env.config.databaseUrl)).initialize();

    // One account per role, the brand manager for Germany only.
    const hash = await hashPassword('password for tests');
    for (const role of ROLES.filter((r) => r !== 'admin')) {
      await db.query(`INSERT INTO account (email, name, password_hash, role, markets) VALUES ($1, $2, $3, $4, $5)`, [
        `${role}@example.com`,
        role,
        hash,
        role,
        role === 'brand-manager' ? ['de'] : [],
      ]);
    }
    sessions.set('admin', await signedInFetch(base, TEST_ADMIN));
    for (const role of ROLES.filter((r) => r !== 'admin')) sessions.set(role, await signedInFetch(base, { email: `${role}@example.com`, password: 'password for tests' }));
    sessions.set('anonymous', fetch);

    // A campaign with a rendered German and Japanese cell, each with a comment.
    const [c] = await db.query(`INSERT INTO campaign (name) VALUES ('Access') RETURNING id`);
    ids.campaign = c.id;
    const [m] = await db.query(
      `INSERT INTO master_shot (campaign_id, filename, storage_key, sha256, size_bytes, width, height, fps_fraction, fps, frame_count, duration_s, has_audio, codec, is_current)
       VALUES ($1, 'm.mp4', 'masters/m.mp4', 'm', 1, 64, 36, '25/1', 25, 50, 2, false, 'h264', true) RETURNING id`,
      [c.id],
    );
    for (const market of ['de', 'jp'] as const) {
      await db.query(`INSERT INTO render (render_key, status, master_shot_id, params, frame_count) VALUES ($1, 'done', $2, '{}', 50)`, [`k-${market}`, m.id]);
      const [v] = await db.query(
        `INSERT INTO variant (campaign_id, cell_key, coords, market_code, label_code, background_code, render_key, params)
         VALUES ($1, $2, $3, $4, 'classic', 'original', $5, '{}') RETURNING id`,
        [c.id, `market=${market};label=classic;background=original`, { market, label: 'classic', background: 'original' }, market, `k-${market}`],
      );
      ids[market] = v.id;
      await db.query(`INSERT INTO variant_version (variant_id, render_key) VALUES ($1, $2)`, [v.id, `k-${market}`]);
      const [cm] = await db.query(`INSERT INTO comment (variant_id, render_key, frame, body, author_name) VALUES ($1, $2, 3, 'look', 'x') RETURNING id`, [
        v.id,
        `k-${market}`,
      ]);
      ids[market === 'de' ? 'deComment' : 'jpComment'] = cm.id;
    }
    const [a] = await db.query(`SELECT id FROM account WHERE role = 'viewer'`);
    ids.account = a.id;
  });

  afterAll(async () => {
    await app?.close();
    await db?.destroy();
    await env?.cleanup();
  });

  /** A request for the endpoint, aimed at the German or Japanese cell, with a body that passes validation where it matters. */
  function request(endpoint: string, market: 'de' | 'jp'): { url: string; init: RequestInit } {
    const [method, template] = endpoint.split(' ');
    const variant = ids[market];
    const url = template
      .replace('/api/variants/{id}', `/api/variants/${variant}`)
      .replace('/api/comments/{id}', `/api/comments/${market === 'de' ? ids.deComment : ids.jpComment}`)
      .replace('/api/campaigns/{id}', `/api/campaigns/${ids.campaign}`)
      .replace('/api/accounts/invitations/{id}', '/api/accounts/invitations/00000000-0000-4000-8000-000000000000')
      .replace('/api/auth/tokens/{id}', '/api/auth/tokens/0000000000000000')
      .replace('/api/accounts/{id}', `/api/accounts/${ids.account}`)
      .replace('/api/webhooks/{id}', '/api/webhooks/00000000-0000-4000-8000-000000000000')
      .replace('{token}', 'smx_i_unknown')
      .replace('{n}', '0')
      .replace('{renderKey}', `k-${market}`)
      .replace('{key}', 'masters/m.mp4');
    const bodies: Record<string, unknown> = {
      'POST /api/variants/{id}/decision': { decision: 'approved', comment: null, basedOn: null },
      'POST /api/campaigns/{id}/decisions': { decision: 'approved', variants: [{ id: variant, basedOn: null }] },
      'POST /api/variants/{id}/comments': { body: 'frame 3 looks soft', frame: 3 },
      'PATCH /api/accounts/{id}': { name: 'viewer' },
    };
    const body = bodies[endpoint] ?? (method === 'GET' ? undefined : {});
    return {
      url: `${base}${url}`,
      init: { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) },
    };
  }

  async function statusOf(who: Who, endpoint: string, market: 'de' | 'jp'): Promise<number> {
    const { url, init } = request(endpoint, market);
    // Signing out would end the session the rest of the table uses: sign out a second session instead.
    const call = endpoint === 'POST /api/auth/logout' && who !== 'anonymous' ? await secondSession(who) : sessions.get(who)!;
    const abort = new AbortController();
    const res = await call(url, { ...init, signal: abort.signal });
    abort.abort(); // the event stream would never end on its own
    return res.status;
  }

  async function secondSession(who: Role): Promise<typeof fetch> {
    return signedInFetch(base, who === 'admin' ? TEST_ADMIN : { email: `${who}@example.com`, password: 'password for tests' });
  }

  it('lists exactly the endpoints the API serves', async () => {
    const doc = (await (await fetch(`${base}/api/docs/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const served = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    expect(served.sort()).toEqual(Object.keys(TABLE).sort());
  });

  const cases = Object.entries(TABLE).flatMap(([endpoint, row]) =>
    (['admin', 'producer', 'brand-manager', 'ops', 'viewer', 'anonymous'] as Who[]).flatMap((who) =>
      (row.market ? (['de', 'jp'] as const) : (['de'] as const)).map((market) => [endpoint, who, market, row] as const),
    ),
  );

  it.each(cases)('%s as %s on a %s cell', async (endpoint, who, market, row) => {
    const status = await statusOf(who, endpoint, market);
    // "Allowed" means the request got past the guard and was answered for what it is (2xx, or a 4xx about its
    // content such as 400/404/409), never a server error.
    expect(status).toBeLessThan(500);
    if (row.allow === 'public') {
      expect([401, 403]).not.toContain(status);
    } else if (row.allow === 'signed') {
      // A session is not a signature: everyone is refused without one (the signed case is in campaigns.int.spec).
      expect(status).toBe(403);
    } else if (who === 'anonymous') {
      expect(status).toBe(401);
    } else {
      const allowed = row.allow.includes(who) && !(row.market && who === 'brand-manager' && market !== 'de');
      if (allowed) expect([401, 403]).not.toContain(status);
      else expect(status).toBe(403);
    }
  });

  it('records the decisions it let through in the audit log, by whom', async () => {
    const rows: Array<{ actor_email: string; action: string; entity_id: string }> = await db.query(
      `SELECT actor_email, action, entity_id FROM audit_log WHERE action = 'variant.approve' ORDER BY id`,
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(['admin@shotmatrix.test', 'brand-manager@example.com']).toContain(r.actor_email);
      if (r.actor_email === 'brand-manager@example.com') expect(r.entity_id).toBe(ids.de);
    }
  });
});
