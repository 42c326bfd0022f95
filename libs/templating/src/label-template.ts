export interface TemplateField {
  name: string;
  required: boolean;
  maxLength?: number;
  description?: string;
}

export interface LabelTemplate {
  name: string;
  /** Design size in SVG user units; rasterising scales it to the asked-for width. */
  width: number;
  height: number;
  fields: TemplateField[];
  /** Handlebars source producing SVG. */
  source: string;
  /**
   * `label` templates are the cell's label; `super` ones are timed overlays
   * (supers, legal lines, end cards); `scene` ones feed the demo's synthetic master.
   */
  kind: 'label' | 'super' | 'scene';
  description?: string;
}

export const TEMPLATE_NAME = /^[a-z0-9-]+$/;
const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const MAX_SIZE = 8192;

/**
 * Validates a `<name>.schema.json`. A broken schema is a deployment mistake,
 * not a producer's, so it fails with a plain Error naming the file.
 */
export function parseTemplateSchema(name: string, json: string, source: string): LabelTemplate {
  const where = `templates/${name}.schema.json`;
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    throw new Error(`${where} is not valid JSON: ${(e as Error).message}`);
  }
  const problems: string[] = [];
  const obj = (raw ?? {}) as Record<string, unknown>;
  const size = (key: 'width' | 'height') => {
    const v = obj[key];
    if (!(Number.isInteger(v) && (v as number) > 0 && (v as number) <= MAX_SIZE)) {
      problems.push(`"${key}" must be a whole number from 1 to ${MAX_SIZE}`);
      return 0;
    }
    return v as number;
  };
  const width = size('width');
  const height = size('height');
  const kind = obj['kind'] ?? 'label';
  if (kind !== 'label' && kind !== 'super' && kind !== 'scene') problems.push('"kind" must be "label", "super" or "scene"');
  const fields: TemplateField[] = [];
  if (!Array.isArray(obj['fields'])) problems.push('"fields" must be an array');
  for (const [i, f] of ((obj['fields'] as unknown[]) ?? []).entries()) {
    const field = (f ?? {}) as Record<string, unknown>;
    const at = `fields[${i}]`;
    if (typeof field['name'] !== 'string' || !FIELD_NAME.test(field['name'])) {
      problems.push(`${at}.name must be a letter followed by letters, digits or "_"`);
      continue;
    }
    if (fields.some((x) => x.name === field['name'])) problems.push(`${at}.name "${field['name']}" is listed twice`);
    if (typeof field['required'] !== 'boolean') problems.push(`${at}.required must be true or false`);
    const maxLength = field['maxLength'];
    if (maxLength !== undefined && !(Number.isInteger(maxLength) && (maxLength as number) > 0)) {
      problems.push(`${at}.maxLength must be a positive whole number`);
    }
    fields.push({
      name: field['name'],
      required: field['required'] === true,
      ...(maxLength !== undefined ? { maxLength: maxLength as number } : {}),
      ...(typeof field['description'] === 'string' ? { description: field['description'] } : {}),
    });
  }
  if (problems.length) throw new Error(`${where} is invalid: ${problems.join('; ')}`);
  return {
    name,
    width,
    height,
    fields,
    source,
    kind: kind as LabelTemplate['kind'],
    ...(typeof obj['description'] === 'string' ? { description: obj['description'] } : {}),
  };
}
