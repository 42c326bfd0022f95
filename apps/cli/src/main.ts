import { ApiRefusal, ApiUnreachable, createApiClient } from './api-client';
import { EXIT, HELP, parseArgs, UsageError } from './args';
import { copyDeck, expand, exportFile, follow, importFile, validate, type Io } from './commands';

function terminalIo(): Io {
  const tty = Boolean(process.stdout.isTTY);
  let drawn = 0;
  let last = '';
  return {
    out: (l) => process.stdout.write(`${l}\n`),
    err: (l) => process.stderr.write(`${l}\n`),
    redraw: (lines) => {
      const text = lines.join('\n');
      if (text === last) return;
      last = text;
      if (tty) {
        if (drawn) process.stdout.write(`\x1b[${drawn}F\x1b[J`);
        drawn = lines.length;
      }
      process.stdout.write(`${text}\n`);
    },
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  };
}

async function main(argv: string[]): Promise<number> {
  const io = terminalIo();
  let args;
  try {
    args = parseArgs(argv, process.env);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`error: ${e.message}\n\n${HELP}`);
      return EXIT.usage;
    }
    throw e;
  }
  const api = createApiClient(args.api);
  try {
    switch (args.command) {
      case 'help':
        io.out(HELP);
        return EXIT.ok;
      case 'validate':
        return await validate(args, io);
      case 'import':
        return await importFile(args, api, io);
      case 'export':
        return await exportFile(args, api, io);
      case 'copy-deck':
        return await copyDeck(args, api, io);
      case 'expand':
        return await expand(args, api, io);
      case 'follow':
        return await follow(args, api, io);
    }
    return EXIT.usage;
  } catch (e) {
    if (e instanceof ApiUnreachable) {
      io.err(`error: ${e.message}`);
      return EXIT.unreachable;
    }
    if (e instanceof ApiRefusal) {
      io.err(`error: ${e.message}`);
      for (const p of e.body.problems?.slice(1) ?? []) io.err(`  ${p}`);
      return EXIT.invalid;
    }
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      io.err(`error: no such file: ${(e as NodeJS.ErrnoException).path}`);
      return EXIT.usage;
    }
    throw e;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
