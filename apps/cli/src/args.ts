/** Exit codes scripts can rely on. */
export const EXIT = {
  ok: 0,
  /** Invalid input: a file with problems, an API refusal (4xx). */
  invalid: 1,
  usage: 2,
  /** `follow` ended with failed variants. */
  renderFailed: 3,
  /** The API could not be reached. */
  unreachable: 4,
} as const;

export const HELP = `shotmatrix — campaign matrices from the command line

Usage:
  shotmatrix validate <campaign.yaml|json>          check a campaign file offline; prints every problem
  shotmatrix import <campaign.yaml|json> [--dry-run] create a campaign from a file
  shotmatrix export <campaign-id> [--format yaml|json] [-o FILE]
  shotmatrix copy-deck <campaign-id> <deck.csv>     update market copy from a CSV copy deck
  shotmatrix expand <campaign-id> [--follow]        one variant per cell; queue new and changed renders
  shotmatrix follow <campaign-id> [<campaign-id>…]  progress bars until every variant is rendered
  shotmatrix login --email <you@…>                  password on stdin; prints an API token for SHOTMATRIX_TOKEN
  shotmatrix help

Options:
  --api URL     the Shotmatrix API (default $SHOTMATRIX_API or http://127.0.0.1:4280)
  --email ADDR  login: the account to sign in as
                Every other command signs in with $SHOTMATRIX_TOKEN (a personal API token)
  --json        machine-readable output
  -h, --help    this text

Exit codes:
  0  done (validate: the file is valid; follow: every variant rendered)
  1  invalid input (a file or copy deck with problems) or refused by the API
  2  usage error (unknown command or option, missing argument, no such file)
  3  follow: some variants failed to render (each is listed with its reason)
  4  the API could not be reached

Examples:
  shotmatrix validate summer.yaml
  shotmatrix import summer.yaml && shotmatrix expand <id> --follow
  shotmatrix export <id> --format json -o summer.json
`;

export interface ParsedArgs {
  command: string;
  positional: string[];
  api: string;
  json: boolean;
  dryRun: boolean;
  follow: boolean;
  format: 'yaml' | 'json';
  output: string | null;
  email: string | null;
  /** From $SHOTMATRIX_TOKEN only: a token on the command line would show in `ps` and shell history. */
  token: string | null;
}

export class UsageError extends Error {}

const COMMANDS: Record<string, { min: number; max: number }> = {
  validate: { min: 1, max: 1 },
  import: { min: 1, max: 1 },
  export: { min: 1, max: 1 },
  'copy-deck': { min: 2, max: 2 },
  expand: { min: 1, max: 1 },
  follow: { min: 1, max: 50 },
  help: { min: 0, max: 1 },
  login: { min: 0, max: 0 },
};

export function parseArgs(argv: string[], env: Record<string, string | undefined>): ParsedArgs {
  const out: ParsedArgs = {
    command: '',
    positional: [],
    api: env.SHOTMATRIX_API ?? 'http://127.0.0.1:4280',
    json: false,
    dryRun: false,
    follow: false,
    format: 'yaml',
    output: null,
    email: null,
    token: env.SHOTMATRIX_TOKEN || null,
  };
  const value = (i: number, flag: string) => {
    const v = argv[i + 1];
    if (v === undefined || (v.startsWith('-') && v !== '-')) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  // `--api=URL` is read as `--api URL`; after `--` everything is an argument.
  const end = argv.indexOf('--');
  argv = argv.flatMap((a, i) => {
    const eq = a.indexOf('=');
    return (end >= 0 && i > end) || !/^--[a-z-]+=/.test(a) ? [a] : [a.slice(0, eq), a.slice(eq + 1)];
  });
  let rest = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--' && !rest) {
      rest = true;
      continue;
    }
    if (rest) {
      if (!out.command) out.command = a;
      else out.positional.push(a);
      continue;
    }
    if (a === '-h' || a === '--help') out.command = 'help';
    else if (a === '--json') out.json = true;
    else if (a === '--dry-run') out.dryRun = true;
    else if (a === '--follow') out.follow = true;
    else if (a === '--api') out.api = value(i++, a);
    else if (a === '-o' || a === '--output') out.output = value(i++, a);
    else if (a === '--email') out.email = value(i++, a);
    else if (a === '--format') {
      const f = value(i++, a);
      if (f !== 'yaml' && f !== 'json') throw new UsageError(`--format must be yaml or json, got "${f}"`);
      out.format = f;
    } else if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`);
    else if (!out.command) out.command = a;
    else out.positional.push(a);
  }
  if (!out.command) out.command = 'help';
  const spec = COMMANDS[out.command];
  if (!spec) throw new UsageError(`unknown command "${out.command}"`);
  if (out.command !== 'help' && (out.positional.length < spec.min || out.positional.length > spec.max)) {
    throw new UsageError(`${out.command} takes ${spec.min === spec.max ? spec.min : `${spec.min} or more`} argument${spec.max === 1 ? '' : 's'}`);
  }
  if (out.command === 'login' && !out.email) throw new UsageError('login needs --email <address> (the password is read from stdin)');
  try {
    new URL(out.api);
  } catch {
    throw new UsageError(`--api must be a URL, got "${out.api}"`);
  }
  return out;
}
