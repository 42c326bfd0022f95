import { createHash, randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { parseCampaignFile } from '@shotmatrix/campaign-files';
import type { CampaignView, ExpandResponse } from '@shotmatrix/contracts';
import { expandMatrix } from '@shotmatrix/domain';
import type { ApiClient } from './api-client';
import { EXIT, type ParsedArgs } from './args';
import { isSettled, progressBar } from './progress';

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Redraws one block of lines in place (a TTY) or prints changes as new lines (logs). */
  redraw: (lines: string[]) => void;
  sleep: (ms: number) => Promise<void>;
}

const typeOf = (file: string) => (/\.json$/i.test(file) ? 'application/json' : 'application/yaml');

export async function validate(args: ParsedArgs, io: Io): Promise<number> {
  const file = args.positional[0];
  const text = await readFile(file, 'utf8');
  const parsed = parseCampaignFile(text, /\.json$/i.test(file) ? 'json' : 'yaml');
  if (!parsed.ok) {
    if (args.json) io.out(JSON.stringify({ ok: false, problems: parsed.problems }));
    else for (const p of parsed.problems) io.err(`${file}: ${p}`);
    return EXIT.invalid;
  }
  const cells = expandMatrix(parsed.value).length;
  if (args.json) io.out(JSON.stringify({ ok: true, name: parsed.value.name, cells }));
  else io.out(`${file}: valid — "${parsed.value.name}", ${cells} cells`);
  return EXIT.ok;
}

export async function importFile(args: ParsedArgs, api: ApiClient, io: Io): Promise<number> {
  const file = args.positional[0];
  const text = await readFile(file, 'utf8');
  // The key is the file's content: re-running the same import returns the first campaign instead of a second one.
  const key = `import-${createHash('sha256').update(text).digest('hex')}`;
  if (args.dryRun) {
    const r = await api.request<{ cells: number }>('POST', '/api/campaigns/import?dryRun=true', { body: text, type: typeOf(file) });
    io.out(args.json ? JSON.stringify(r) : `${file}: the API accepts it — ${r.cells} cells`);
    return EXIT.ok;
  }
  const c = await api.request<CampaignView>('POST', '/api/campaigns/import', { body: text, type: typeOf(file), headers: { 'idempotency-key': key } });
  io.out(args.json ? JSON.stringify({ id: c.id, name: c.name, board: `${args.api}/campaigns/${c.id}` }) : `imported "${c.name}": ${c.id}\nboard: ${args.api}/campaigns/${c.id}`);
  return EXIT.ok;
}

export async function exportFile(args: ParsedArgs, api: ApiClient, io: Io): Promise<number> {
  const text = await api.text(`/api/campaigns/${encodeURIComponent(args.positional[0])}/file?format=${args.format}`);
  if (args.output) {
    await writeFile(args.output, text);
    io.err(`wrote ${path.resolve(args.output)}`);
  } else io.out(text.replace(/\n$/, ''));
  return EXIT.ok;
}

export async function copyDeck(args: ParsedArgs, api: ApiClient, io: Io): Promise<number> {
  const [id, file] = args.positional;
  const csv = await readFile(file, 'utf8');
  const current = await api.request<CampaignView>('GET', `/api/campaigns/${encodeURIComponent(id)}`);
  const c = await api.request<CampaignView>('POST', `/api/campaigns/${encodeURIComponent(id)}/copy-deck`, {
    body: csv,
    type: 'text/csv',
    headers: { 'if-match': `"${current.version}"`, 'idempotency-key': randomUUID() },
  });
  io.out(args.json ? JSON.stringify({ id: c.id, version: c.version }) : `copy deck applied to "${c.name}" (now version ${c.version}); run \`shotmatrix expand ${c.id}\` to render the changes`);
  return EXIT.ok;
}

export async function expand(args: ParsedArgs, api: ApiClient, io: Io): Promise<number> {
  const id = args.positional[0];
  const r = await api.request<ExpandResponse>('POST', `/api/campaigns/${encodeURIComponent(id)}/expand`, { headers: { 'idempotency-key': randomUUID() } });
  const e = r.expansion;
  if (args.json && !args.follow) io.out(JSON.stringify(e));
  else if (!args.json) {
    io.out(`${r.name}: ${e.cells} cells — ${e.created} new, ${e.changed} changed, ${e.unchanged} unchanged, ${e.removed} removed · ${e.queued} renders queued, ${e.reused} reused`);
  }
  return args.follow ? follow({ ...args, positional: [id] }, api, io) : EXIT.ok;
}

export async function follow(args: ParsedArgs, api: ApiClient, io: Io, pollMs = 1000): Promise<number> {
  for (;;) {
    const views = await Promise.all(args.positional.map((id) => api.request<CampaignView>('GET', `/api/campaigns/${encodeURIComponent(id)}`)));
    if (!args.json) io.redraw(views.map((v) => progressBar(v.name, v.counts)));
    if (views.every((v) => isSettled(v.counts) || v.counts.total === 0)) {
      const failed = views.flatMap((v) => v.variants.filter((x) => x.status === 'failed').map((x) => ({ campaign: v.name, cell: x.cellKey, error: x.error })));
      if (args.json) io.out(JSON.stringify({ campaigns: views.map((v) => ({ id: v.id, counts: v.counts })), failed }));
      else for (const f of failed) io.err(`failed: ${f.campaign} ${f.cell}: ${f.error}`);
      return failed.length ? EXIT.renderFailed : EXIT.ok;
    }
    await io.sleep(pollMs);
  }
}
