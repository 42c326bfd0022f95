import { createHash, randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { parseCampaignFile } from '@shotmatrix/campaign-files';
import type { CampaignView, ExpandResponse } from '@shotmatrix/contracts';
import { expandMatrix } from '@shotmatrix/domain';
import type { ApiClient } from './api-client';
import { EXIT, UsageError, type ParsedArgs } from './args';
import { formatExpansion } from './format';
import { failureLines, isSettled, progressBar } from './progress';

/** Everything a command does to the outside world besides HTTP: the terminal, files, the clock. */
export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Redraws one block of lines in place (a TTY) or prints the lines that changed (logs). */
  redraw: (lines: string[]) => void;
  sleep: (ms: number) => Promise<void>;
  readFile: (file: string) => Promise<string>;
  writeFile: (file: string, text: string) => Promise<void>;
}

const isJsonFile = (file: string) => /\.json$/i.test(file);
const contentTypeOf = (file: string) => (isJsonFile(file) ? 'application/json' : 'application/yaml');
const boardUrl = (api: string, id: string) => `${api.replace(/\/+$/, '')}/campaigns/${id}`;
const idPath = (id: string) => `/api/campaigns/${encodeURIComponent(id)}`;

/** The Idempotency-Key of an import: the file's content, so importing the same file twice yields one campaign. */
export const importKey = (text: string) => `import-${createHash('sha256').update(text).digest('hex')}`;

export async function validate(args: ParsedArgs, io: Io): Promise<number> {
  const file = args.positional[0];
  const parsed = parseCampaignFile(await io.readFile(file), isJsonFile(file) ? 'json' : 'yaml');
  if (!parsed.ok) {
    if (args.json) io.out(JSON.stringify({ ok: false, file, problems: parsed.problems }));
    else for (const p of parsed.problems) io.err(`${file}: ${p}`);
    return EXIT.invalid;
  }
  const cells = expandMatrix(parsed.value).length;
  if (args.json) io.out(JSON.stringify({ ok: true, file, name: parsed.value.name, cells }));
  else io.out(`${file}: valid — "${parsed.value.name}", ${cells} cells`);
  return EXIT.ok;
}

export async function importFile(args: ParsedArgs, api: ApiClient, io: Io): Promise<number> {
  const file = args.positional[0];
  const text = await io.readFile(file);
  if (args.dryRun) {
    const r = await api.request<{ cells: number }>('POST', '/api/campaigns/import?dryRun=true', { body: text, type: contentTypeOf(file) });
    io.out(args.json ? JSON.stringify(r) : `${file}: the API accepts it — ${r.cells} cells (dry run: nothing was created)`);
    return EXIT.ok;
  }
  const c = await api.request<CampaignView>('POST', '/api/campaigns/import', {
    body: text,
    type: contentTypeOf(file),
    headers: { 'idempotency-key': importKey(text) },
  });
  const board = boardUrl(args.api, c.id);
  io.out(args.json ? JSON.stringify({ id: c.id, name: c.name, version: c.version, board }) : `imported "${c.name}": ${c.id}\nboard: ${board}`);
  return EXIT.ok;
}

export async function exportFile(args: ParsedArgs, api: ApiClient, io: Io): Promise<number> {
  const text = await api.text(`${idPath(args.positional[0])}/file?format=${args.format}`);
  if (args.output && args.output !== '-') {
    await io.writeFile(args.output, text.endsWith('\n') ? text : `${text}\n`);
    io.err(`wrote ${path.resolve(args.output)}`);
  } else io.out(text.replace(/\n$/, ''));
  return EXIT.ok;
}

export async function copyDeck(args: ParsedArgs, api: ApiClient, io: Io): Promise<number> {
  const [id, file] = args.positional;
  const csv = await io.readFile(file);
  // The edit names the version it is based on: if someone changed the campaign meanwhile, the API says 409.
  const current = await api.request<CampaignView>('GET', idPath(id));
  const c = await api.request<CampaignView>('POST', `${idPath(id)}/copy-deck`, {
    body: csv,
    type: 'text/csv',
    headers: { 'if-match': `"${current.version}"`, 'idempotency-key': randomUUID() },
  });
  io.out(
    args.json
      ? JSON.stringify({ id: c.id, version: c.version })
      : `copy deck applied to "${c.name}" (now version ${c.version}); run \`shotmatrix expand ${c.id}\` to render the changes`,
  );
  return EXIT.ok;
}

export async function expand(args: ParsedArgs, api: ApiClient, io: Io): Promise<number> {
  const id = args.positional[0];
  const r = await api.request<ExpandResponse>('POST', `${idPath(id)}/expand`, { headers: { 'idempotency-key': randomUUID() } });
  if (args.json && !args.follow) io.out(JSON.stringify({ id: r.id, expansion: r.expansion ?? null }));
  else if (!args.json) io.out(formatExpansion(r.name, r.expansion));
  return args.follow ? follow({ ...args, positional: [id] }, api, io) : EXIT.ok;
}

export async function follow(args: ParsedArgs, api: ApiClient, io: Io, pollMs = 1000): Promise<number> {
  for (;;) {
    const views = await Promise.all(args.positional.map((id) => api.request<CampaignView>('GET', idPath(id))));
    if (!args.json) io.redraw(views.map((v) => progressBar(v.name, v.counts)));
    if (views.every((v) => isSettled(v.counts))) {
      const failures = failureLines(views);
      if (args.json) {
        const failed = views.flatMap((v) =>
          v.variants.filter((x) => x.status === 'failed').map((x) => ({ campaign: v.id, cellKey: x.cellKey, market: x.market, label: x.label, background: x.background, error: x.error })),
        );
        io.out(JSON.stringify({ campaigns: views.map((v) => ({ id: v.id, name: v.name, counts: v.counts })), failed }));
      } else for (const f of failures) io.err(f);
      return failures.length ? EXIT.renderFailed : EXIT.ok;
    }
    await io.sleep(pollMs);
  }
}

/** Signs in once and prints a personal API token (the session itself is not kept). */
export async function login(args: ParsedArgs, api: ApiClient, io: Io, password: string): Promise<number> {
  if (!password) throw new UsageError('login reads the password from stdin, and got nothing');
  const me = await api.request<{ email: string; role: string }>('POST', '/api/auth/login', {
    body: JSON.stringify({ email: args.email, password }),
    type: 'application/json',
  });
  const session = api.lastSession();
  const token = await api.request<{ token: string; expiresAt: string }>('POST', '/api/auth/tokens', {
    body: JSON.stringify({ label: 'shotmatrix CLI' }),
    type: 'application/json',
    headers: session ? { cookie: session } : {},
  });
  // The session only served to ask for the token: end it rather than leave it open for hours.
  if (session) await api.request('POST', '/api/auth/logout', { headers: { cookie: session } }).catch(() => undefined);
  if (args.json) io.out(JSON.stringify({ email: me.email, role: me.role, token: token.token, expiresAt: token.expiresAt }));
  else {
    io.err(`signed in as ${me.email} (${me.role}); this token works until ${token.expiresAt.slice(0, 10)}:`);
    io.out(`export SHOTMATRIX_TOKEN=${token.token}`);
  }
  return EXIT.ok;
}
