import { HELP, parseArgs, UsageError } from './args';

describe('parseArgs', () => {
  it('reads commands, options and the API from the environment', () => {
    expect(parseArgs(['expand', 'abc', '--follow', '--json'], { SHOTMATRIX_API: 'http://api:1' })).toMatchObject({
      command: 'expand',
      positional: ['abc'],
      follow: true,
      json: true,
      api: 'http://api:1',
    });
    expect(parseArgs(['export', 'x', '--format', 'json', '-o', 'c.json', '--api', 'http://h:2'], { SHOTMATRIX_API: 'http://env:1' })).toMatchObject({
      format: 'json',
      output: 'c.json',
      api: 'http://h:2',
    });
    expect(parseArgs(['import', 'c.yaml', '--dry-run'], {})).toMatchObject({ command: 'import', dryRun: true, api: 'http://127.0.0.1:4280' });
  });

  it('reads --option=value and treats everything after -- as arguments', () => {
    expect(parseArgs(['export', 'x', '--format=json', '--api=http://h:3'], {})).toMatchObject({ format: 'json', api: 'http://h:3' });
    expect(parseArgs(['validate', '--', '--odd-name.yaml'], {})).toMatchObject({ command: 'validate', positional: ['--odd-name.yaml'] });
    expect(parseArgs(['export', 'x', '-o', '-'], {})).toMatchObject({ output: '-' });
  });

  it('follows several campaigns', () => {
    expect(parseArgs(['follow', 'a', 'b', 'c'], {}).positional).toEqual(['a', 'b', 'c']);
  });

  it.each([[[]], [['--help']], [['-h']], [['validate', '--help']], [['help']]])('shows help for %j', (argv) => {
    expect(parseArgs(argv, {}).command).toBe('help');
  });

  it.each([
    [['frobnicate'], 'unknown command "frobnicate"'],
    [['validate'], 'validate takes 1 argument'],
    [['validate', 'a', 'b'], 'validate takes 1 argument'],
    [['copy-deck', 'id'], 'copy-deck takes 2 arguments'],
    [['follow'], 'follow takes 1 or more arguments'],
    [['export', 'x', '--format', 'xml'], '--format must be yaml or json, got "xml"'],
    [['follow', 'x', '--api'], '--api needs a value'],
    [['follow', 'x', '--api', 'nope'], '--api must be a URL, got "nope"'],
    [['follow', 'x', '--verbose'], 'unknown option --verbose'],
  ])('refuses %j', (argv, message) => {
    expect(() => parseArgs(argv, {})).toThrow(new UsageError(message));
  });

  it('documents every exit code in --help', () => {
    for (const code of ['0 ', '1 ', '2 ', '3 ', '4 ']) expect(HELP).toContain(`\n  ${code}`);
  });
});
