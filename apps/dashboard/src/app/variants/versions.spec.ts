import type { VariantVersionView } from '@shotmatrix/contracts';
import { decisionSummary, defaultComparePair, playableVersions, versionLabel } from './versions';

function version(n: number, over: Partial<VariantVersionView> = {}): VariantVersionView {
  return {
    version: n,
    renderKey: `rk${n}`,
    createdAt: `2026-01-0${n}T00:00:00.000Z`,
    current: false,
    status: 'done',
    outputUrl: `/media/v${n}.mp4`,
    thumbnailUrl: null,
    qc: null,
    decisions: [],
    ...over,
  };
}

describe('playableVersions', () => {
  it('keeps finished renders with a video', () => {
    const list = [version(1), version(2, { status: 'failed', outputUrl: null }), version(3, { status: 'rendering', outputUrl: null }), version(4)];
    expect(playableVersions(list).map((v) => v.version)).toEqual([1, 4]);
  });
});

describe('defaultComparePair', () => {
  it('compares the current version with the playable one before it', () => {
    const list = [version(1), version(2), version(3, { status: 'failed', outputUrl: null }), version(4, { current: true })];
    expect(defaultComparePair(list)).toEqual({ a: 4, b: 2 });
  });

  it('compares with a later version when the current one is the first (the settings went back)', () => {
    expect(defaultComparePair([version(1, { current: true }), version(2)])).toEqual({ a: 1, b: 2 });
  });

  it('uses the newest playable when the current render is not done yet', () => {
    expect(defaultComparePair([version(1), version(2), version(3, { current: true, status: 'rendering', outputUrl: null })])).toEqual({ a: 2, b: 1 });
  });

  it('is null with fewer than two playable versions', () => {
    expect(defaultComparePair([version(1, { current: true })])).toBeNull();
    expect(defaultComparePair([version(1), version(2, { current: true, status: 'queued', outputUrl: null })])).toBeNull();
    expect(defaultComparePair([])).toBeNull();
  });
});

describe('versionLabel / decisionSummary', () => {
  it('labels versions', () => {
    expect(versionLabel({ version: 3, current: true })).toBe('v3 (current)');
    expect(versionLabel({ version: 1, current: false })).toBe('v1');
  });

  it('summarises the newest decision', () => {
    const d = (decision: 'approved' | 'rejected', by: string | null) => ({ id: 'x', decision, by, at: '2026-01-01T00:00:00.000Z', comment: null });
    expect(decisionSummary({ decisions: [] })).toBe('no decision');
    expect(decisionSummary({ decisions: [d('approved', 'ana@x.com')] })).toBe('approved by ana@x.com');
    expect(decisionSummary({ decisions: [d('rejected', null), d('approved', 'ana@x.com')] })).toBe('rejected (2 decisions)');
  });
});
