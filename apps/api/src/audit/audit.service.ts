import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Principal } from '@shotmatrix/auth';
import type { AuditEntryView } from '@shotmatrix/contracts';
import { requestContext } from '../auth/request-context';

export interface AuditEntry {
  /** `<entity>.<verb>`, e.g. `variant.approve`, `matrix.save`. */
  action: string;
  entity: string;
  entityId?: string | null;
  campaignId?: string | null;
  before?: unknown;
  after?: unknown;
}

interface AuditRow {
  id: string;
  at: Date;
  actor_id: string | null;
  actor_email: string | null;
  action: string;
  entity: string;
  entity_id: string | null;
  campaign_id: string | null;
  before: unknown;
  after: unknown;
}

/**
 * Writes the append-only audit log. Pass the transaction's manager where the
 * change is made in one, so the entry commits (or rolls back) with it.
 */
@Injectable()
export class AuditService {
  constructor(private readonly db: DataSource) {}

  async record(entry: AuditEntry, manager?: EntityManager, actor?: Principal | null): Promise<void> {
    const who = actor ?? requestContext()?.principal ?? null;
    await (manager ?? this.db.manager).query(
      `INSERT INTO audit_log (actor_id, actor_email, action, entity, entity_id, campaign_id, before, after) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        who?.id ?? null,
        who?.email ?? null,
        entry.action,
        entry.entity,
        entry.entityId ?? null,
        entry.campaignId ?? null,
        entry.before === undefined ? null : JSON.stringify(entry.before),
        entry.after === undefined ? null : JSON.stringify(entry.after),
      ],
    );
  }

  /** Newest first, paged by id. */
  async list(filter: { campaignId?: string; entity?: string; entityId?: string; beforeId?: string; limit: number }): Promise<AuditEntryView[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, v: unknown) => {
      params.push(v);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.campaignId) add('campaign_id = ?', filter.campaignId);
    if (filter.entity) add('entity = ?', filter.entity);
    if (filter.entityId) add('entity_id = ?', filter.entityId);
    if (filter.beforeId) add('id < ?', filter.beforeId);
    params.push(filter.limit);
    const rows: AuditRow[] = await this.db.query(
      `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map((r) => ({
      id: String(r.id),
      at: new Date(r.at).toISOString(),
      actor: r.actor_email,
      action: r.action,
      entity: r.entity,
      entityId: r.entity_id,
      campaignId: r.campaign_id,
      before: r.before,
      after: r.after,
    }));
  }
}
