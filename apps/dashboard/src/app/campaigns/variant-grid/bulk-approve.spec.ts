import type { VariantView } from '@shotmatrix/contracts';
import { bulkApprovable } from './bulk-approve';

const v = (id: string, market: string, status: VariantView['status'], approval: Partial<NonNullable<VariantView['approval']>> | null = null) =>
  ({ id, market, status, approval: approval && { id: `a-${id}`, comment: null, by: 'x', at: '', stale: false, decision: 'approved', ...approval } }) as VariantView;

describe('bulkApprovable', () => {
  it('takes rendered cells of my markets that are not approved as they stand and did not fail QC, with what each decision is based on', () => {
    const shown = [
      v('1', 'de', 'done'),
      v('2', 'de', 'rendering'),
      v('3', 'jp', 'done'),
      v('4', 'de', 'done', { decision: 'approved' }),
      v('5', 'de', 'done', { decision: 'approved', stale: true }),
      v('6', 'de', 'done', { decision: 'rejected' }),
      { ...v('7', 'de', 'done'), qc: { passed: false } } as VariantView,
      { ...v('8', 'de', 'done'), qc: { passed: true } } as VariantView,
    ];
    expect(bulkApprovable(shown, (m) => m === 'de')).toEqual([
      { id: '1', basedOn: null },
      { id: '5', basedOn: 'a-5' },
      { id: '6', basedOn: 'a-6' },
      { id: '8', basedOn: null },
    ]);
    expect(bulkApprovable(shown, () => false)).toEqual([]);
  });
});
