import type { EntityManager } from 'typeorm';
import { DomainError } from '@shotmatrix/domain';

/** Reads `If-Match: "7"` (quotes and W/ optional); edits without one are refused rather than guessed. */
export function parseIfMatch(header: string | undefined): number {
  if (!header) {
    throw new DomainError('VERSION_REQUIRED', 'send the campaign version you edited as an If-Match header (If-Match: "<version>")', 'precondition-required');
  }
  const m = /^(?:W\/)?"?(\d{1,9})"?$/.exec(header.trim());
  if (!m) throw new DomainError('VERSION_INVALID', `If-Match must be a campaign version such as "3", got ${header}`);
  return Number(m[1]);
}

/**
 * Claims the edit: bumps the version only if it is still the one the editor
 * saw. The row count is the check — a stale edit changes nothing and gets 409.
 */
export async function claimVersion(tx: EntityManager, campaignId: string, expected: number): Promise<number> {
  // UPDATE … RETURNING comes back from TypeORM as [rows, count].
  const [rows]: [Array<{ version: number }>, number] = await tx.query(
    `UPDATE campaign SET version = version + 1, updated_at = now() WHERE id = $1 AND version = $2 RETURNING version`,
    [campaignId, expected],
  );
  if (rows.length === 1) return rows[0].version;
  const current: Array<{ version: number }> = await tx.query(`SELECT version FROM campaign WHERE id = $1`, [campaignId]);
  if (!current.length) throw new DomainError('NOT_FOUND', `campaign ${campaignId} does not exist`, 'not-found');
  throw new DomainError(
    'VERSION_CONFLICT',
    `the campaign was changed by someone else (version ${current[0].version} is current, your edit was based on ${expected}); reload and try again`,
    'conflict',
  );
}
