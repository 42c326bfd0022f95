import type { CampaignView, VariantView } from '@shotmatrix/contracts';
import { formatExpansion } from './format';
import { changedLines, failureLines, isSettled, progressBar } from './progress';

describe('progressBar', () => {
  it.each([
    [{ done: 9, failed: 0, rendering: 1, queued: 8, total: 18 }, 'Demo   [#####.....] 9/18 done · 1 rendering · 8 queued · 0 failed'],
    [{ done: 0, failed: 0, rendering: 0, queued: 4, total: 4 }, 'Demo   [..........] 0/4 done · 4 queued · 0 failed'],
    [{ done: 3, failed: 1, rendering: 0, queued: 0, total: 4 }, 'Demo   [##########] 3/4 done · 1 failed'],
    [{ done: 0, failed: 0, rendering: 0, queued: 0, total: 0 }, 'Demo   [..........] 0/0 done · 0 failed'],
  ])('draws %j', (counts, bar) => {
    expect(progressBar('Demo', counts, 10, 6)).toBe(bar);
  });

  it('shortens long names so the bars line up', () => {
    expect(progressBar('A very long campaign name', { done: 1, failed: 0, rendering: 0, queued: 1, total: 2 }, 4, 8)).toBe('A very … [##..] 1/2 done · 1 queued · 0 failed');
  });

  it('is settled only when every variant is done or failed', () => {
    expect(isSettled({ done: 3, failed: 1, rendering: 0, queued: 0, total: 4 })).toBe(true);
    expect(isSettled({ done: 3, failed: 0, rendering: 1, queued: 0, total: 4 })).toBe(false);
    expect(isSettled({ done: 0, failed: 0, rendering: 0, queued: 0, total: 0 })).toBe(true);
  });
});

describe('changedLines', () => {
  it('prints only the bars that changed since the last poll', () => {
    expect(changedLines([], ['a 1', 'b 1'])).toEqual(['a 1', 'b 1']);
    expect(changedLines(['a 1', 'b 1'], ['a 1', 'b 2'])).toEqual(['b 2']);
    expect(changedLines(['a 1', 'b 2'], ['a 1', 'b 2'])).toEqual([]);
  });
});

describe('failureLines', () => {
  const variant = (over: Partial<VariantView>): VariantView =>
    ({ market: 'de', label: 'classic', background: 'beach', coords: { market: 'de', label: 'classic', background: 'beach' }, status: 'done', error: null, ...over }) as VariantView;
  it('names the cell and the reason of every failed variant', () => {
    const view = {
      name: 'Demo',
      variants: [
        variant({}),
        variant({ status: 'failed', error: 'ffmpeg exited with 1', coords: { market: 'de', label: 'classic', background: 'beach', tone: 'warm' } }),
        variant({ status: 'failed', market: 'jp', error: null }),
      ],
    } as CampaignView;
    expect(failureLines([view])).toEqual([
      'failed: Demo · market=de label=classic background=beach tone=warm: ffmpeg exited with 1',
      'failed: Demo · market=jp label=classic background=beach: no reason given',
    ]);
  });
});

describe('formatExpansion', () => {
  it('prints every figure the API sent, in a fixed order', () => {
    expect(formatExpansion('Demo', { cells: 18, created: 18, changed: 0, unchanged: 0, removed: 0, queued: 18, reused: 0 })).toBe(
      'Demo: 18 cells — 18 new, 0 changed, 0 unchanged, 0 removed, 18 renders queued, 0 reused',
    );
  });

  it('leaves out what is missing', () => {
    expect(formatExpansion('Demo', { cells: 18, changed: 2 })).toBe('Demo: 18 cells — 2 changed');
    expect(formatExpansion('Demo', undefined)).toBe('Demo: expanded');
  });
});
