import type { ExpansionSummary } from '@shotmatrix/contracts';

const PARTS: Array<[keyof ExpansionSummary, string]> = [
  ['created', 'new'],
  ['changed', 'changed'],
  ['unchanged', 'unchanged'],
  ['removed', 'removed'],
  ['queued', 'renders queued'],
  ['reused', 'reused'],
];

/** `Demo: 18 cells — 18 new, 0 changed, … · 18 renders queued`; fields the API did not send are left out. */
export function formatExpansion(name: string, e: Partial<ExpansionSummary> | undefined): string {
  const cells = e?.cells === undefined ? '' : ` ${e.cells} cells`;
  const parts = PARTS.filter(([k]) => typeof e?.[k] === 'number').map(([k, label]) => `${e![k]} ${label}`);
  return `${name}:${cells || ' expanded'}${parts.length ? ` — ${parts.join(', ')}` : ''}`;
}
