import { parseArgs, UsageError } from './args';
import { isSettled, progressBar } from './progress';

describe('parseArgs', () => {
  it('reads commands, options and the API from the environment', () => {
    expect(parseArgs(['expand', 'abc', '--follow', '--json'], { SHOTMATRIX_API: 'http://api:1' })).toMatchObject({
      command: 'expand',
      positional: ['abc'],
      follow: true,
      json: true,
      api: 'http://api:1',
    });
    expect(parseArgs(['export', 'x', '--format', 'json', '-o', 'c.json', '--api', 'http://h:2'], {})).toMatchObject({
      format: 'json',
      output: 'c.json',
      api: 'http://h:2',
    });
    expect(parseArgs([], {}).command).toBe('help');
  });

  it.each([
    [['frobnicate'], 'unknown command "frobnicate"'],
    [['validate'], 'validate takes 1 argument'],
    [['copy-deck', 'id'], 'copy-deck takes 2 arguments'],
    [['export', 'x', '--format', 'xml'], '--format must be yaml or json, got "xml"'],
    [['follow', 'x', '--api'], '--api needs a value'],
    [['follow', 'x', '--api', 'nope'], '--api must be a URL, got "nope"'],
    [['follow', 'x', '--verbose'], 'unknown option --verbose'],
  ])('refuses %j', (argv, message) => {
    expect(() => parseArgs(argv, {})).toThrow(new UsageError(message));
  });
});

describe('progressBar', () => {
  it('draws finished work, then the counts', () => {
    expect(progressBar('Demo', { done: 9, failed: 0, rendering: 1, queued: 8, total: 18 }, 10, 6)).toBe(
      'Demo   [#####.....] 9/18 done · 1 rendering · 8 queued · 0 failed',
    );
    expect(progressBar('A very long campaign name', { done: 0, failed: 0, rendering: 0, queued: 0, total: 0 }, 4, 8)).toBe(
      'A very … [....] 0/0 done · 0 failed',
    );
  });

  it('is settled only when every variant is done or failed', () => {
    expect(isSettled({ done: 3, failed: 1, rendering: 0, queued: 0, total: 4 })).toBe(true);
    expect(isSettled({ done: 3, failed: 0, rendering: 1, queued: 0, total: 4 })).toBe(false);
    expect(isSettled({ done: 0, failed: 0, rendering: 0, queued: 0, total: 0 })).toBe(false);
  });
});
