import { createHash } from 'node:crypto';
export interface TemplateField {
  name: string;
  required: boolean;
  maxLength?: number;
  description?: string;
}

/**
 * A template's layouts, by the orientation of the frame they are made for:
 * `landscape` is the base layout every template has; `square` and
 * `portrait` are optional alternatives (see `selectLayout`).
 */
export type LayoutName = 'landscape' | 'square' | 'portrait';
export const ALTERNATIVE_LAYOUTS = ['square', 'portrait'] as const;

export interface TemplateLayout {
  /** Design size in SVG user units; rasterising scales it to the asked-for width. */
  width: number;
  height: number;
  /** Handlebars source producing SVG. */
  source: string;
}

export interface LabelTemplate extends TemplateLayout {
  name: string;
  fields: TemplateField[];
  /**
   * `label` templates are the cell's label; `super` ones are timed overlays
   * (supers, legal lines, end cards); `scene` ones feed the demo's synthetic master.
   */
  kind: 'label' | 'super' | 'scene';
  description?: string;
  /** The layout `width`, `height` and `source` belong to; the registry hands out `landscape`. */
  layout?: LayoutName;
  /** Every layout the template provides, the base (`landscape`) included. */
  layouts?: Partial<Record<LayoutName, TemplateLayout>>;
}

/** A schema as read from `<name>.schema.json`, before its sources are read. */
export interface TemplateSchema {
  kind: LabelTemplate['kind'];
  width: number;
  height: number;
  fields: TemplateField[];
  description?: string;
  /** Sizes of the alternative layouts the schema lists; each has its own `<name>.<layout>.svg.hbs`. */
  layouts: Partial<Record<(typeof ALTERNATIVE_LAYOUTS)[number], { width: number; height: number }>>;
}

export const TEMPLATE_NAME = /^[a-z0-9-]+$/;
const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const MAX_SIZE = 8192;

/**
 * Validates a `<name>.schema.json`. A broken schema is a deployment mistake,
 * not a producer's, so it fails with a plain Error naming the file.
 */
export function parseTemplateSchema(name: string, json: string): TemplateSchema {
  const where = `templates/${name}.schema.json`;
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    throw new Error(`${where} is not valid JSON: ${(e as Error).message}`);
  }
  const problems: string[] = [];
  const obj = (raw ?? {}) as Record<string, unknown>;
  const size = (from: Record<string, unknown>, key: 'width' | 'height', at = '') => {
    const v = from[key];
    if (!(Number.isInteger(v) && (v as number) > 0 && (v as number) <= MAX_SIZE)) {
      problems.push(`"${at}${key}" must be a whole number from 1 to ${MAX_SIZE}`);
      return 0;
    }
    return v as number;
  };
  const width = size(obj, 'width');
  const height = size(obj, 'height');
  const layouts: TemplateSchema['layouts'] = {};
  const listed = obj['layouts'] === undefined ? {} : obj['layouts'];
  if (typeof listed !== 'object' || listed === null || Array.isArray(listed)) problems.push('"layouts" must be an object keyed by "square" or "portrait"');
  else {
    for (const [key, value] of Object.entries(listed)) {
      if (!(ALTERNATIVE_LAYOUTS as readonly string[]).includes(key)) {
        problems.push(`layouts.${key} is not a layout: use "square" or "portrait" (the base layout is the landscape one)`);
        continue;
      }
      const l = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
      layouts[key as keyof TemplateSchema['layouts']] = { width: size(l, 'width', `layouts.${key}.`), height: size(l, 'height', `layouts.${key}.`) };
    }
  }
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
    width,
    height,
    fields,
    kind: kind as LabelTemplate['kind'],
    layouts,
    ...(typeof obj['description'] === 'string' ? { description: obj['description'] } : {}),
  };
}

/**
 * The root `<svg>`'s literal width and height, when the source spells them
 * out: a layout drawn at another size than its schema says would be placed
 * by one shape and rasterised in another.
 */
export function declaredSvgSize(source: string): { width: number; height: number } | undefined {
  const root = /<svg\b[^>]*>/.exec(source)?.[0];
  const w = root && /\swidth="(\d+(?:\.\d+)?)"/.exec(root)?.[1];
  const h = root && /\sheight="(\d+(?:\.\d+)?)"/.exec(root)?.[1];
  return w && h ? { width: Number(w), height: Number(h) } : undefined;
}

/**
 * The content hash of everything a template draws with: its base source and
 * every layout (size and source), so a changed portrait card re-keys the
 * 9:16 cells that use it. Render keys take this, never the name alone.
 */
export function templateHash(t: Pick<LabelTemplate, 'source' | 'layouts'>): string {
  const h = createHash('sha256').update(t.source);
  for (const [layout, l] of Object.entries(t.layouts ?? {}).sort(([a], [b]) => a.localeCompare(b))) h.update(`\u0000${layout}\u0000${l.width}x${l.height}\u0000${l.source}`);
  return h.digest('hex');
}
