import type { VariantView } from '@shotmatrix/contracts';

/**
 * The shown cells a reviewer could approve in one go: rendered, QC not failed
 * (a failed cell is looked at and decided on its own), in a market they
 * decide for, and not already approved as they look now (a stale
 * approval counts as not approved). Each carries the decision it is based on,
 * so one decided meanwhile makes the whole batch a 409 rather than an overwrite.
 */
export function bulkApprovable(
  shown: readonly VariantView[],
  canDecide: (market: string) => boolean,
): Array<{ id: string; basedOn: string | null }> {
  return shown
    .filter((v) => v.status === 'done' && v.qc?.passed !== false && canDecide(v.market) && !(v.approval?.decision === 'approved' && !v.approval.stale))
    .map((v) => ({ id: v.id, basedOn: v.approval?.id ?? null }));
}
