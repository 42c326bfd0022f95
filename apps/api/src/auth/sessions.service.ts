import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Request } from 'express';
import { filter, from, interval, Observable, switchMap, takeUntil } from 'rxjs';
import { decoyHash, LoginThrottle, newToken, roleHas, tokenHash, verifyPassword, type Permission, type Principal } from '@shotmatrix/auth';
import { bearerToken, sessionCookie } from './cookies';
import type { AppConfig } from '@shotmatrix/config';
import type { ApiTokenView } from '@shotmatrix/contracts';
import { DomainError } from '@shotmatrix/domain';
import { APP_CONFIG } from '../common/tokens';
import { AuditService } from '../audit/audit.service';

interface PrincipalRow {
  id: string;
  email: string;
  name: string;
  role: Principal['role'];
  markets: string[];
}

const toPrincipal = (r: PrincipalRow): Principal => ({ id: r.id, email: r.email, name: r.name, role: r.role, markets: r.markets });

/** Hex characters of a token's stored hash that name it in lists (64 bits: no collisions in one account). */
const TOKEN_ID_LENGTH = 16;

/** Personal API tokens for scripts and the CLI last this long. */
const API_TOKEN_TTL_MS = 90 * 24 * 3600_000;

/** Sign-in, sign-out and turning a presented token into a person. */
@Injectable()
export class SessionsService {
  private readonly throttle = new LoginThrottle();
  /** How often an open event stream checks that its session still holds (tests shorten it). */
  streamCheckMs = 15_000;

  constructor(
    private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: AuditService,
  ) {}

  /** The account behind a session or API token, or null when it is unknown, expired or the account is disabled. */
  async resolve(token: string): Promise<Principal | null> {
    const rows: Array<PrincipalRow & { last_used_at: Date | null }> = await this.db.query(
      `SELECT a.id, a.email, a.name, a.role, a.markets, t.last_used_at
       FROM auth_token t JOIN account a ON a.id = t.account_id
       WHERE t.token_hash = $1 AND t.expires_at > now() AND a.disabled_at IS NULL`,
      [tokenHash(token)],
    );
    const row = rows[0];
    if (!row) return null;
    // Touch at most once a minute: a board of thumbnails would otherwise write on every request.
    if (!row.last_used_at || Date.now() - new Date(row.last_used_at).getTime() > 60_000) {
      await this.db.query(`UPDATE auth_token SET last_used_at = now() WHERE token_hash = $1`, [tokenHash(token)]);
    }
    return toPrincipal(row);
  }

  /** `client`: the caller's address, for slowing down guessing from one place. */
  async login(email: unknown, password: unknown, client: string): Promise<{ token: string; principal: Principal; expiresAt: Date }> {
    if (typeof email !== 'string' || typeof password !== 'string' || !email || !password) {
      throw new DomainError('LOGIN_INVALID', 'send {"email", "password"} as JSON');
    }
    const wait = this.throttle.retryAfterS(email, client);
    if (wait > 0) {
      throw new DomainError('LOGIN_THROTTLED', `too many failed sign-ins; try again in ${Math.ceil(wait / 60)} min`, 'rate-limited');
    }
    const rows: Array<PrincipalRow & { password_hash: string; disabled_at: Date | null }> = await this.db.query(
      `SELECT id, email, name, role, markets, password_hash, disabled_at FROM account WHERE lower(email) = lower($1)`,
      [email],
    );
    const row = rows[0];
    // Unknown e-mail: still spend a verification, so timing does not tell which addresses exist.
    const ok = await verifyPassword(row?.password_hash ?? (await decoyHash()), password);
    if (!row || !ok || row.disabled_at) {
      this.throttle.failed(email, client);
      // Failed sign-ins leave a trace: guessing shows up in the audit log.
      await this.audit.record({ action: 'session.login_failed', entity: 'account', entityId: row?.id ?? null, after: { email, client } }, undefined, null);
      throw new DomainError('LOGIN_FAILED', 'the e-mail address or password is wrong (or the account is disabled)', 'unauthenticated');
    }
    this.throttle.succeeded(email);
    const principal = toPrincipal(row);
    const { token, expiresAt } = await this.issue(principal.id, 'session', null, this.config.auth.sessionTtlMs);
    await this.audit.record({ action: 'session.login', entity: 'account', entityId: principal.id }, undefined, principal);
    return { token, principal, expiresAt };
  }

  /**
   * An event stream is authorised when it opens; this ends it once the session
   * behind it does (signed out, expired, account disabled) or no longer holds
   * the permission (role changed), so a board does not keep streaming to
   * someone who lost access. The browser's reconnect then meets a 401.
   */
  whileValid<T>(req: Request, permission: Permission, source: Observable<T>): Observable<T> {
    const token = bearerToken(req) ?? sessionCookie(req);
    const ended = interval(this.streamCheckMs).pipe(
      switchMap(() => from(token ? this.resolve(token) : Promise.resolve(null))),
      filter((who) => !who || !roleHas(who.role, permission)),
    );
    return source.pipe(takeUntil(ended));
  }

  async logout(token: string): Promise<void> {
    await this.db.query(`DELETE FROM auth_token WHERE token_hash = $1`, [tokenHash(token)]);
  }

  /** A personal token for scripts (`Authorization: Bearer …`), shown once. */
  async createApiToken(who: Principal, label: string): Promise<{ token: string; expiresAt: Date }> {
    const issued = await this.issue(who.id, 'api', label, API_TOKEN_TTL_MS);
    await this.audit.record({ action: 'token.create', entity: 'account', entityId: who.id, after: { label, expiresAt: issued.expiresAt } });
    return issued;
  }

  /** My personal API tokens (never the secret): id is the start of the stored hash, enough to name one. */
  async listApiTokens(who: Principal): Promise<ApiTokenView[]> {
    const rows: Array<{ token_hash: string; label: string | null; created_at: Date; expires_at: Date; last_used_at: Date | null }> = await this.db.query(
      `SELECT token_hash, label, created_at, expires_at, last_used_at FROM auth_token WHERE account_id = $1 AND kind = 'api' AND expires_at > now() ORDER BY created_at DESC`,
      [who.id],
    );
    return rows.map((r) => ({
      id: r.token_hash.slice(0, TOKEN_ID_LENGTH),
      label: r.label ?? '',
      createdAt: new Date(r.created_at).toISOString(),
      expiresAt: new Date(r.expires_at).toISOString(),
      lastUsedAt: r.last_used_at ? new Date(r.last_used_at).toISOString() : null,
    }));
  }

  async revokeApiToken(who: Principal, id: string): Promise<void> {
    if (!new RegExp(`^[0-9a-f]{${TOKEN_ID_LENGTH}}$`).test(id)) throw new DomainError('NOT_FOUND', `API token ${id} does not exist`, 'not-found');
    const [rows]: [Array<{ label: string | null }>, number] = await this.db.query(
      `DELETE FROM auth_token WHERE account_id = $1 AND kind = 'api' AND left(token_hash, $3) = $2 RETURNING label`,
      [who.id, id, TOKEN_ID_LENGTH],
    );
    if (!rows.length) throw new DomainError('NOT_FOUND', `API token ${id} does not exist`, 'not-found');
    await this.audit.record({ action: 'token.revoke', entity: 'account', entityId: who.id, before: { id, label: rows[0].label } });
  }

  async issue(accountId: string, kind: 'session' | 'api', label: string | null, ttlMs: number): Promise<{ token: string; expiresAt: Date }> {
    const token = newToken(kind);
    const expiresAt = new Date(Date.now() + ttlMs);
    // Expired sign-ins are swept when the same person signs in again: the table stays the size of who is active.
    await this.db.query(`DELETE FROM auth_token WHERE account_id = $1 AND expires_at < now()`, [accountId]);
    await this.db.query(`INSERT INTO auth_token (token_hash, account_id, kind, label, expires_at) VALUES ($1, $2, $3, $4, $5)`, [
      tokenHash(token),
      accountId,
      kind,
      label,
      expiresAt,
    ]);
    return { token, expiresAt };
  }
}
