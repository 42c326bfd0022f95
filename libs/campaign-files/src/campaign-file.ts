import { parseDocument, stringify } from 'yaml';
import { campaignFileSchema, validate, type CampaignFile, type Validated } from '@shotmatrix/contracts';
import { assertMatrixConsistent, DomainError } from '@shotmatrix/domain';

export type FileFormat = 'yaml' | 'json';

/** Campaign files are small; anything larger is a mistake or an attack. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;

/**
 * Parses a campaign file and reports every problem with its place:
 * `line 12, column 5: …` for syntax, `markets[3].copy.price: …` for content.
 */
export function parseCampaignFile(text: string, format: FileFormat | 'auto'): Validated<CampaignFile> {
  if (Buffer.byteLength(text) > MAX_FILE_BYTES) return fail(`the file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB`);
  const fmt = format === 'auto' ? (/^\s*[{[]/.test(text) ? 'json' : 'yaml') : format;
  let data: unknown;
  if (fmt === 'json') {
    try {
      data = JSON.parse(text);
    } catch (e) {
      return fail(`not valid JSON: ${(e as Error).message}`);
    }
  } else {
    const parsed = parseYaml(text);
    if (!parsed.ok) return parsed;
    data = parsed.value;
  }
  const checked = validate(campaignFileSchema, data);
  if (!checked.ok) return checked;
  try {
    assertMatrixConsistent(checked.value);
  } catch (e) {
    if (e instanceof DomainError) return fail(e.message);
    throw e;
  }
  return checked;
}

function parseYaml(text: string): Validated<unknown> {
  // YAML 1.2 core schema only: no custom tags, and aliases capped so a "billion laughs" file cannot blow up.
  const doc = parseDocument(text, { schema: 'core', prettyErrors: true, uniqueKeys: true, strict: true });
  const problems = doc.errors.map((e) => {
    const pos = e.linePos?.[0];
    return pos ? `line ${pos.line}, column ${pos.col}: ${firstLine(e.message)}` : firstLine(e.message);
  });
  if (problems.length) return { ok: false, problems };
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: 100 }) };
  } catch (e) {
    return fail(`the YAML could not be read: ${(e as Error).message}`);
  }
}

const firstLine = (s: string) => s.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
const fail = (problem: string): Validated<never> => ({ ok: false, problems: [problem] });

/** Keys in the order producers read a campaign: what it is, then its dimensions, then the exceptions. */
const KEY_ORDER = ['shotmatrix', 'name', 'defaults', 'markets', 'labels', 'backgrounds', 'aspects', 'dimensions', 'exclusions', 'overrides'];

/** Writes a campaign file that reads well and diffs well in version control. */
export function serializeCampaignFile(file: CampaignFile, format: FileFormat): string {
  const ordered: Record<string, unknown> = {};
  for (const k of KEY_ORDER) if ((file as Record<string, unknown>)[k] !== undefined) ordered[k] = (file as Record<string, unknown>)[k];
  for (const [k, v] of Object.entries(file)) if (!(k in ordered) && v !== undefined) ordered[k] = v;
  if (format === 'json') return `${JSON.stringify(ordered, null, 2)}\n`;
  return stringify(ordered, { indent: 2, lineWidth: 0, aliasDuplicateObjects: false });
}

