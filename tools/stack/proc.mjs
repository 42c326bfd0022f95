// Process helpers shared by the stack scripts: running commands, prefixing
// their output, finding the repository root. Only node: builtins — these run
// before node_modules exists.
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Env for `node -r @swc-node/register` children. swc-node reads
 * ./tsconfig.json (path aliases, decorator metadata); the repository's root
 * tsconfig.json extends tsconfig.base.json for exactly that. Without it swc
 * would parse decorators as syntax errors, so fall back to the base config.
 */
export function tsRuntimeEnv(env = process.env) {
  if (env.SWC_NODE_PROJECT || existsSync(join(repoRoot, 'tsconfig.json'))) return {};
  return { SWC_NODE_PROJECT: join(repoRoot, 'tsconfig.base.json') };
}

/** The user-facing failure of a stack step: printed without a stack trace. */
export class StackError extends Error {
  constructor(message) {
    super(message);
    this.name = 'StackError';
  }
}

export const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

const useColour = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code) => (s) => (useColour ? `\x1b[${code}m${s}\x1b[0m` : s);
export const c = {
  bold: paint('1'),
  dim: paint('2'),
  red: paint('31'),
  green: paint('32'),
  yellow: paint('33'),
  blue: paint('34'),
  magenta: paint('35'),
  cyan: paint('36'),
};
// Services get stable, distinct colours so interleaved logs stay readable.
const serviceColours = [c.cyan, c.magenta, c.yellow, c.blue, c.green];
const assigned = new Map();
export function colourFor(name) {
  if (!assigned.has(name)) assigned.set(name, serviceColours[assigned.size % serviceColours.length]);
  return assigned.get(name);
}

/** Stack-level messages, visually distinct from the services' own logs. */
export const log = (msg) => console.log(`${c.bold(c.green('▸'))} ${msg}`);
export const warn = (msg) => console.log(`${c.bold(c.yellow('!'))} ${msg}`);

/** Splits a stream into lines and writes each with a prefix (keeps partial lines until complete). */
export function pipeWithPrefix(stream, prefix, out = process.stdout) {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    pending += chunk;
    const lines = pending.split(/\r?\n|\r/);
    pending = lines.pop();
    for (const line of lines) out.write(`${prefix} ${line}\n`);
  });
  stream.on('end', () => {
    if (pending) out.write(`${prefix} ${pending}\n`);
    pending = '';
  });
}

/** Finds an executable on PATH (no shell: `which` is not guaranteed on minimal images). */
export function which(cmd) {
  if (cmd.includes('/')) return isExecutable(cmd) ? cmd : null;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, cmd);
    if (isExecutable(p)) return p;
  }
  return null;
}

function isExecutable(p) {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Runs a command to completion and captures its output (for short probes). */
export function capture(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  return { code: r.status ?? (r.error ? 127 : 1), stdout: r.stdout ?? '', stderr: r.stderr ?? '', error: r.error };
}

/**
 * Runs a command, streaming its output line by line under `prefix`
 * (or straight through with `inherit`). Resolves with the exit code; with
 * `check` a non-zero exit rejects with a StackError naming the command.
 */
export function run(cmd, args, { prefix, inherit = false, check = true, env, cwd = repoRoot } = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { cwd, env: env ?? process.env, stdio: inherit ? 'inherit' : ['ignore', 'pipe', 'pipe'] });
    if (!inherit) {
      const p = prefix ?? c.dim(`[${cmd.split('/').pop()}]`);
      pipeWithPrefix(child.stdout, p, process.stdout);
      pipeWithPrefix(child.stderr, p, process.stderr);
    }
    child.on('error', (err) => reject(new StackError(`could not run ${cmd}: ${err.message}`)));
    child.on('close', (code, signal) => {
      const status = code ?? (signal ? 128 : 1);
      if (check && status !== 0) {
        reject(new StackError(`${[cmd, ...args].join(' ')} failed (${signal ? `signal ${signal}` : `exit ${status}`})`));
      } else resolvePromise(status);
    });
  });
}

/** Prints a StackError plainly (anything else with its stack) and exits 1. */
export function exitWithError(err) {
  if (err instanceof StackError) console.error(`${c.red(c.bold('✖'))} ${err.message}`);
  else console.error(err);
  process.exit(1);
}
