import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { hashPassword, newToken, passwordProblem, permissionsOf, tokenHash, type Principal } from '@shotmatrix/auth';
import type { AppConfig } from '@shotmatrix/config';
import type { AccountView, InvitationView, MeView, RoleName } from '@shotmatrix/contracts';
import { accountUpdateSchema, acceptInvitationSchema, inviteSchema } from '@shotmatrix/contracts';
import { DomainError, isUuid, notFound } from '@shotmatrix/domain';
import { AuditService } from '../audit/audit.service';
import { APP_CONFIG } from '../common/tokens';
import { parseBody } from '../common/zod-body';

const INVITATION_TTL_MS = 7 * 24 * 3600_000;

interface AccountRow {
  id: string;
  email: string;
  name: string;
  role: RoleName;
  markets: string[];
  disabled_at: Date | null;
  created_at: Date;
}

const toView = (r: AccountRow): AccountView => ({
  id: r.id,
  email: r.email,
  name: r.name,
  role: r.role,
  markets: r.markets,
  disabled: r.disabled_at !== null,
  createdAt: new Date(r.created_at).toISOString(),
});

export const toMeView = (p: Principal): MeView => ({ ...p, permissions: permissionsOf(p.role) });

/** People: the first admin, invitations, roles and markets, disabling. */
@Injectable()
export class AccountsService implements OnApplicationBootstrap {
  private readonly log = new Logger('accounts');

  constructor(
    private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: AuditService,
  ) {}

  /** Creates the configured admin when there is no account at all (a fresh install); never touches existing ones. */
  async onApplicationBootstrap(): Promise<void> {
    const admin = this.config.auth.bootstrapAdmin;
    if (!admin) return;
    const hash = await hashPassword(admin.password);
    const created: Array<{ id: string }> = await this.db.query(
      `INSERT INTO account (email, name, password_hash, role)
       SELECT $1, 'Administrator', $2, 'admin' WHERE NOT EXISTS (SELECT 1 FROM account)
       ON CONFLICT DO NOTHING RETURNING id`,
      [admin.email, hash],
    );
    if (created.length) {
      this.log.log(`created the first admin account, ${admin.email}`);
      await this.audit.record({ action: 'account.bootstrap', entity: 'account', entityId: created[0].id, after: { email: admin.email, role: 'admin' } });
    }
  }

  async list(): Promise<AccountView[]> {
    const rows: AccountRow[] = await this.db.query(`SELECT id, email, name, role, markets, disabled_at, created_at FROM account ORDER BY lower(email)`);
    return rows.map(toView);
  }

  async invite(body: unknown, by: Principal): Promise<InvitationView> {
    const input = parseBody(inviteSchema, body);
    const [exists] = await this.db.query(`SELECT 1 FROM account WHERE lower(email) = lower($1)`, [input.email]);
    if (exists) throw new DomainError('ACCOUNT_EXISTS', `${input.email} already has an account`, 'conflict');
    const token = newToken('invitation');
    const expiresAt = new Date(Date.now() + INVITATION_TTL_MS);
    return this.db.transaction(async (m) => {
      const [row]: Array<{ id: string }> = await m.query(
        `INSERT INTO invitation (token_hash, email, role, markets, invited_by, expires_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
        [tokenHash(token), input.email, input.role, input.markets, by.id, expiresAt],
      );
      const view = { id: row.id, email: input.email, role: input.role, markets: input.markets, expiresAt: expiresAt.toISOString() };
      await this.audit.record({ action: 'invitation.create', entity: 'invitation', entityId: row.id, after: view }, m);
      return { ...view, token, acceptPath: `/accept-invitation?token=${encodeURIComponent(token)}` };
    });
  }

  /** Invitations not yet accepted and still good, newest first. */
  async pendingInvitations(): Promise<InvitationView[]> {
    const rows: Array<{ id: string; email: string; role: RoleName; markets: string[]; expires_at: Date }> = await this.db.query(
      `SELECT id, email, role, markets, expires_at FROM invitation WHERE accepted_at IS NULL AND expires_at > now() ORDER BY created_at DESC`,
    );
    return rows.map((r) => ({ id: r.id, email: r.email, role: r.role, markets: r.markets, expiresAt: new Date(r.expires_at).toISOString() }));
  }

  /** A mis-sent link stops working at once (kept, expired, for the record). */
  async revokeInvitation(id: string): Promise<void> {
    if (!isUuid(id)) throw notFound('invitation', id);
    await this.db.transaction(async (m) => {
      const [[row]]: [Array<{ email: string; role: string }>, number] = await m.query(
        `UPDATE invitation SET expires_at = now() WHERE id = $1 AND accepted_at IS NULL AND expires_at > now() RETURNING email, role`,
        [id],
      );
      if (!row) throw new DomainError('INVITATION_NOT_PENDING', `invitation ${id} is not pending (unknown, used or expired)`, 'not-found');
      await this.audit.record({ action: 'invitation.revoke', entity: 'invitation', entityId: id, before: row, after: { revoked: true } }, m);
    });
  }

  /** What an invitation is for, so the accept page can say it before asking for a password. */
  async peekInvitation(token: string): Promise<InvitationView> {
    const inv = await this.openInvitation(this.db.manager, token);
    return { id: inv.id, email: inv.email, role: inv.role, markets: inv.markets, expiresAt: new Date(inv.expires_at).toISOString() };
  }

  async acceptInvitation(body: unknown): Promise<Principal> {
    const input = parseBody(acceptInvitationSchema, body);
    const problem = passwordProblem(input.password);
    if (problem) throw new DomainError('PASSWORD_WEAK', problem);
    const hash = await hashPassword(input.password);
    return this.db.transaction(async (m) => {
      const inv = await this.openInvitation(m, input.token, true);
      const [account]: AccountRow[] = await m.query(
        `INSERT INTO account (email, name, password_hash, role, markets) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT DO NOTHING RETURNING id, email, name, role, markets, disabled_at, created_at`,
        [inv.email, input.name, hash, inv.role, inv.markets],
      );
      if (!account) throw new DomainError('ACCOUNT_EXISTS', `${inv.email} already has an account`, 'conflict');
      await m.query(`UPDATE invitation SET accepted_at = now(), account_id = $2 WHERE id = $1`, [inv.id, account.id]);
      const principal: Principal = { id: account.id, email: account.email, name: account.name, role: account.role, markets: account.markets };
      await this.audit.record({ action: 'account.create', entity: 'account', entityId: account.id, after: toView(account) }, m, principal);
      return principal;
    });
  }

  async update(id: string, body: unknown, by: Principal): Promise<AccountView> {
    if (!isUuid(id)) throw notFound('account', id);
    const input = parseBody(accountUpdateSchema, body);
    return this.db.transaction(async (m) => {
      // A change of role or state may take away an admin: lock every enabled admin first, always in id order, so
      // two admins demoting each other at once are serialised (not deadlocked) and the second sees the first's result.
      const admins: Array<{ id: string }> =
        input.role !== undefined || input.disabled
          ? await m.query(`SELECT id FROM account WHERE role = 'admin' AND disabled_at IS NULL ORDER BY id FOR UPDATE`)
          : [];
      const [before]: AccountRow[] = await m.query(`SELECT id, email, name, role, markets, disabled_at, created_at FROM account WHERE id = $1 FOR UPDATE`, [id]);
      if (!before) throw notFound('account', id);
      const role = input.role ?? before.role;
      const markets = input.markets ?? (input.role && input.role !== 'brand-manager' ? [] : before.markets);
      if (role === 'brand-manager' && !markets.length) throw new DomainError('VALIDATION_FAILED', 'markets: a brand manager needs at least one market');
      if (role !== 'brand-manager' && markets.length) throw new DomainError('VALIDATION_FAILED', 'markets: only brand managers are scoped to markets');
      // An installation must keep one way in: the last enabled admin cannot demote or disable themselves away.
      if (before.role === 'admin' && (role !== 'admin' || input.disabled)) {
        const n = admins.filter((a) => a.id !== id).length;
        if (n === 0) throw new DomainError('LAST_ADMIN', 'this is the last enabled admin; make someone else admin first', 'conflict');
      }
      const disabled = input.disabled ?? before.disabled_at !== null;
      // UPDATE … RETURNING comes back from TypeORM as [rows, count].
      const [[after]]: [AccountRow[], number] = await m.query(
        `UPDATE account SET role = $2, markets = $3, name = $4, updated_at = now(),
           disabled_at = CASE WHEN $5 THEN coalesce(disabled_at, now()) ELSE NULL END
         WHERE id = $1 RETURNING id, email, name, role, markets, disabled_at, created_at`,
        [id, role, markets, input.name ?? before.name, disabled],
      );
      // A disabled account, or one whose role changed, signs in again: its open sessions end now.
      if (disabled || role !== before.role) await m.query(`DELETE FROM auth_token WHERE account_id = $1`, [id]);
      await this.audit.record({ action: 'account.update', entity: 'account', entityId: id, before: toView(before), after: toView(after) }, m, by);
      return toView(after);
    });
  }

  private async openInvitation(m: DataSource['manager'], token: string, lock = false) {
    const [inv]: Array<{ id: string; email: string; role: RoleName; markets: string[]; expires_at: Date; accepted_at: Date | null }> = await m.query(
      `SELECT id, email, role, markets, expires_at, accepted_at FROM invitation WHERE token_hash = $1 ${lock ? 'FOR UPDATE' : ''}`,
      [tokenHash(token)],
    );
    if (!inv) throw new DomainError('INVITATION_UNKNOWN', 'this invitation link is not valid; ask your admin for a new one', 'not-found');
    if (inv.accepted_at) throw new DomainError('INVITATION_USED', 'this invitation has already been used; sign in instead', 'conflict');
    if (new Date(inv.expires_at).getTime() < Date.now()) {
      throw new DomainError('INVITATION_EXPIRED', 'this invitation has expired; ask your admin for a new one', 'conflict');
    }
    return inv;
  }
}
