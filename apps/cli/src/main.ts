import { readFile, writeFile } from 'node:fs/promises';
import { createApiClient } from './api-client';
import { EXIT, HELP, parseArgs, type ParsedArgs } from './args';
import { copyDeck, expand, exportFile, follow, importFile, login, validate, type Io } from './commands';
import { failureOutcome } from './exit';
import { changedLines } from './progress';

/** The terminal adapter: progress redrawn in place on a TTY, one line per change in a log. */
function terminalIo(): Io {
  const tty = Boolean(process.stdout.isTTY);
  let shown: string[] = [];
  return {
    out: (l) => process.stdout.write(`${l}\n`),
    err: (l) => process.stderr.write(`${l}\n`),
    redraw: (lines) => {
      const changed = changedLines(shown, lines);
      if (!changed.length && lines.length === shown.length) return;
      if (tty) {
        if (shown.length) process.stdout.write(`\x1b[${shown.length}F\x1b[J`);
        process.stdout.write(`${lines.join('\n')}\n`);
      } else process.stdout.write(`${changed.join('\n')}\n`);
      shown = lines;
    },
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    readFile: (file) => readFile(file, 'utf8'),
    writeFile: (file, text) => writeFile(file, text),
  };
}

/** The password for `login`, piped in (never an argument: it would show in `ps`). */
async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('password (then Enter, Ctrl-D): ');
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

async function run(args: ParsedArgs, io: Io): Promise<number> {
  // `login` mints a token for whoever signs in: an old $SHOTMATRIX_TOKEN must not ride along (the API prefers it).
  const api = createApiClient(args.api, args.command === 'login' ? null : args.token);
  switch (args.command) {
    case 'help':
      io.out(HELP);
      return EXIT.ok;
    case 'validate':
      return validate(args, io);
    case 'import':
      return importFile(args, api, io);
    case 'export':
      return exportFile(args, api, io);
    case 'copy-deck':
      return copyDeck(args, api, io);
    case 'expand':
      return expand(args, api, io);
    case 'follow':
      return follow(args, api, io);
    case 'login':
      return login(args, api, io, await readStdin());
  }
  return EXIT.usage;
}

async function main(argv: string[]): Promise<number> {
  const io = terminalIo();
  try {
    return await run(parseArgs(argv, process.env), io);
  } catch (e) {
    const outcome = failureOutcome(e);
    if (!outcome) throw e;
    for (const line of outcome.lines) io.err(line);
    return outcome.code;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    console.error(e);
    process.exitCode = 1;
  },
);
