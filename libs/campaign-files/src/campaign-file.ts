import { Document, isScalar, LineCounter, parseDocument, visit } from 'yaml';
import { campaignFileSchema, validate, type CampaignFile, type Validated } from '@shotmatrix/contracts';
import { assertMatrixConsistent, DomainError } from '@shotmatrix/domain';
import { findJsonProblem, lineAndColumn } from './json-syntax';

export type FileFormat = 'yaml' | 'json';

/** Campaign files are small; anything larger is a mistake or an attack. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;

/** Aliases a YAML file may expand; enough for shared copy blocks, far too few for a "billion laughs". */
export const MAX_YAML_ALIASES = 100;

/**
 * Parses a campaign file and reports every problem with its place:
 * `line 12, column 5: …` for syntax, `markets[3].copy.price: …` for content,
 * then the matrix's own consistency (unknown codes in exclusions, …).
 * `auto` reads a file that starts with `{` as JSON, anything else as YAML.
 */
export function parseCampaignFile(text: string, format: FileFormat | 'auto'): Validated<CampaignFile> {
  if (tooLarge(text)) return fail(`the file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB`);
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const fmt = format === 'auto' ? (/^\s*\{/.test(body) ? 'json' : 'yaml') : format;
  const parsed = fmt === 'json' ? parseJson(body) : parseYaml(body);
  if (!parsed.ok) return parsed;
  const checked = validate(campaignFileSchema, parsed.value);
  if (!checked.ok) return checked;
  try {
    assertMatrixConsistent(checked.value);
  } catch (e) {
    if (e instanceof DomainError) return fail(e.message);
    throw e;
  }
  return checked;
}

/** Without Buffer, so the browser can use it too; encodes only when the length alone cannot tell. */
function tooLarge(text: string): boolean {
  if (text.length > MAX_FILE_BYTES) return true; // every UTF-16 unit is at least one UTF-8 byte…
  if (text.length * 3 <= MAX_FILE_BYTES) return false; // …and at most three
  return new TextEncoder().encode(text).length > MAX_FILE_BYTES;
}

function parseJson(text: string): Validated<unknown> {
  const problem = findJsonProblem(text);
  if (problem) {
    const { line, column } = lineAndColumn(text, problem.at);
    return fail(`line ${line}, column ${column}: ${problem.problem}`);
  }
  return { ok: true, value: JSON.parse(text) };
}

function parseYaml(text: string): Validated<unknown> {
  const lines = new LineCounter();
  // YAML 1.2 core schema: no language-specific types, duplicate keys are an error, one document per file.
  const doc = parseDocument(text, { schema: 'core', uniqueKeys: true, strict: true, prettyErrors: false, lineCounter: lines });
  const at = (offset: number) => {
    const { line, col } = lines.linePos(offset);
    return `line ${line}, column ${col}`;
  };
  // Warnings are refused too (an unresolved tag would otherwise be read as a plain string);
  // tags themselves are reported below.
  const problems = [...doc.errors, ...doc.warnings.filter((w) => w.code !== 'TAG_RESOLVE_FAILED')].map(
    (e) => `${at(e.pos[0])}: ${firstLine(e.message)}`,
  );
  // Tags (`!!binary`, `!!set`, `!foo`) give a file types and meanings a campaign has no use for.
  visit(doc, (_key, node) => {
    const tagged = node as { tag?: string; range?: [number, number, number] };
    if (tagged && typeof tagged.tag === 'string' && tagged.range) {
      const tag = tagged.tag.replace(/^tag:yaml\.org,2002:/, '!!');
      problems.push(`${at(tagged.range[0])}: this value is tagged ${tag}; tags are not allowed in a campaign file`);
    }
  });
  if (problems.length) return { ok: false, problems };
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: MAX_YAML_ALIASES }) };
  } catch (e) {
    return fail(`the YAML could not be read: ${(e as Error).message}`);
  }
}

const firstLine = (s: string) => s.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
const fail = (problem: string): Validated<never> => ({ ok: false, problems: [problem] });

/**
 * Writes a campaign file that reads well and diffs well in version control:
 * keys in schema order, 2-space indent, empty defaults left out (parsing puts
 * them back), and strings that YAML 1.1 tools would misread (`16:9`, `yes`,
 * `no`) quoted. `parseCampaignFile(serializeCampaignFile(x, f), f)` gives x back.
 */
export function serializeCampaignFile(file: CampaignFile, format: FileFormat): string {
  // Parsing puts nested keys in schema order too; an invalid file is written as it is.
  const canonical = campaignFileSchema.safeParse(file);
  const data = prune(canonical.success ? canonical.data : file);
  if (format === 'json') return `${JSON.stringify(data, null, 2)}\n`;
  const doc = new Document(data, { aliasDuplicateObjects: false });
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && !node.type && readsDifferentlyInYaml11(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  return doc.toString({ indent: 2, lineWidth: 0 });
}

/** Keys in the order producers read a campaign: what it is, then its dimensions, then the exceptions. */
const KEY_ORDER = ['shotmatrix', 'name', 'defaults', 'markets', 'labels', 'backgrounds', 'aspects', 'dimensions', 'exclusions', 'overrides'];

const isEmptyObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;

/** Drops the empty objects the schema defaults (`defaults`, `copy`, `fields`, `params`). */
function prune(file: CampaignFile): Record<string, unknown> {
  const src = file as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of [...KEY_ORDER, ...Object.keys(src).filter((k) => !KEY_ORDER.includes(k))]) {
    if (src[k] === undefined || (k === 'defaults' && isEmptyObject(src[k]))) continue;
    out[k] = src[k];
  }
  const without = <T extends object>(o: T, key: string): T => {
    if (!isEmptyObject((o as Record<string, unknown>)[key])) return o;
    const { [key]: _dropped, ...rest } = o as Record<string, unknown>;
    return rest as T;
  };
  if (Array.isArray(out.markets)) out.markets = out.markets.map((m: object) => without(m, 'copy'));
  if (Array.isArray(out.labels)) out.labels = out.labels.map((l: object) => without(l, 'fields'));
  if (out.dimensions && typeof out.dimensions === 'object') {
    out.dimensions = Object.fromEntries(
      Object.entries(out.dimensions as Record<string, object[]>).map(([name, values]) => [name, Array.isArray(values) ? values.map((v) => without(v, 'params')) : values]),
    );
  }
  return out;
}

/** True when a YAML 1.1 reader (PyYAML, older tools) would not read this plain string back as the same string. */
function readsDifferentlyInYaml11(value: string): boolean {
  if (value.length > 64 || value.includes('\n')) return false; // left to the writer: block scalars read the same everywhere
  const node = parseDocument(value, { version: '1.1' }).contents;
  return !isScalar(node) || node.value !== value;
}
