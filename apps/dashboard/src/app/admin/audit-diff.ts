/**
 * A one-glance summary of what an audit entry changed: the top-level fields
 * whose value differs between `before` and `after`, each as "from → to" in a
 * few characters. The full JSON stays one click away on the page.
 * Plain TypeScript (no Angular) so it is table-tested.
 */

export type ChangeKind = 'created' | 'removed' | 'changed' | 'replaced' | 'unchanged';

export interface FieldChange {
  /** The top-level key; '' when the whole value was replaced (not an object on both sides). */
  key: string;
  /** Absent where the field did not exist before (or after). */
  from?: string;
  to?: string;
}

export interface ChangeSummary {
  kind: ChangeKind;
  fields: FieldChange[];
  /** Changed fields left out of `fields` to keep the line short. */
  more: number;
}

type Plain = Record<string, unknown>;

const isPlainObject = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);
const isAbsent = (v: unknown) => v === null || v === undefined;

/** Deep equality for JSON values (key order ignored). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => sameJson(v, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && sameJson(a[k], b[k]));
  }
  return false;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`;
}

/** A value in a few characters: strings bare, lists of plain values as [a, b], anything else as short JSON. */
export function compactValue(value: unknown, max = 40): string {
  if (value === undefined) return '—';
  if (typeof value === 'string') return value === '' ? '""' : truncate(value, max);
  if (Array.isArray(value) && value.every((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v))) {
    return truncate(`[${value.map((v) => String(v)).join(', ')}]`, max);
  }
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    json = undefined;
  }
  return truncate(json ?? String(value), max);
}

export function summarizeChange(before: unknown, after: unknown, options: { maxFields?: number; maxValue?: number } = {}): ChangeSummary {
  const maxFields = options.maxFields ?? 4;
  const maxValue = options.maxValue ?? 40;
  const keep = (kind: ChangeKind, all: FieldChange[]): ChangeSummary => ({
    kind,
    fields: all.slice(0, maxFields),
    more: Math.max(0, all.length - maxFields),
  });

  if (isAbsent(before) && isAbsent(after)) return { kind: 'unchanged', fields: [], more: 0 };
  if (isAbsent(before) && isPlainObject(after)) {
    return keep('created', Object.keys(after).map((key) => ({ key, to: compactValue(after[key], maxValue) })));
  }
  if (isPlainObject(before) && isAbsent(after)) {
    return keep('removed', Object.keys(before).map((key) => ({ key, from: compactValue(before[key], maxValue) })));
  }
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...Object.keys(before), ...Object.keys(after).filter((k) => !Object.prototype.hasOwnProperty.call(before, k))];
    const changed = keys
      .filter((key) => !sameJson(before[key], after[key]))
      .map((key): FieldChange => {
        const field: FieldChange = { key };
        if (Object.prototype.hasOwnProperty.call(before, key)) field.from = compactValue(before[key], maxValue);
        if (Object.prototype.hasOwnProperty.call(after, key)) field.to = compactValue(after[key], maxValue);
        return field;
      });
    return changed.length ? keep('changed', changed) : { kind: 'unchanged', fields: [], more: 0 };
  }
  if (sameJson(before, after)) return { kind: 'unchanged', fields: [], more: 0 };
  const whole: FieldChange = { key: '' };
  if (!isAbsent(before)) whole.from = compactValue(before, maxValue);
  if (!isAbsent(after)) whole.to = compactValue(after, maxValue);
  return { kind: 'replaced', fields: [whole], more: 0 };
}

/** One field as the table shows it: "role: producer → admin", "+ email: a@b", "− token: …". */
export function describeField(field: FieldChange): string {
  const label = field.key ? `${field.key}: ` : '';
  if (field.from === undefined && field.to !== undefined) return `+ ${label}${field.to}`;
  if (field.to === undefined && field.from !== undefined) return `− ${label}${field.from}`;
  return `${label}${field.from ?? '—'} → ${field.to ?? '—'}`;
}

/** The whole entry's JSON for the expandable view. */
export function prettyJson(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  try {
    return JSON.stringify(value, null, 2);
  } catch {
    return String(value);
  }
}
