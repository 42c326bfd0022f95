import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { DomainError } from '@shotmatrix/domain';
import {
  ALTERNATIVE_LAYOUTS,
  declaredSvgSize,
  parseTemplateSchema,
  TEMPLATE_NAME,
  type LabelTemplate,
  type LayoutName,
  type TemplateLayout,
} from './label-template';

const SCHEMA_SUFFIX = '.schema.json';
const SOURCE_SUFFIX = '.svg.hbs';

/** `<name>.svg.hbs` for the base layout, `<name>.<layout>.svg.hbs` for the others. */
const sourceFile = (name: string, layout: LayoutName) => `${name}${layout === 'landscape' ? '' : `.${layout}`}${SOURCE_SUFFIX}`;

const isMissing = (e: unknown) => (e as NodeJS.ErrnoException).code === 'ENOENT';

/**
 * Templates come only from one folder, by names that cannot hold a path:
 * market copy may fill a template, never choose or supply one.
 *
 * A template is `<name>.schema.json` plus `<name>.svg.hbs` (its base,
 * landscape layout) and, for each layout its schema lists under `layouts`,
 * `<name>.<layout>.svg.hbs`. A listed layout without its file, a layout file
 * the schema does not list, or a source whose `<svg>` size differs from its
 * schema's is a deployment mistake and fails loading with the file named.
 */
export class TemplateRegistry {
  constructor(private readonly templatesDir: string) {}

  async list(): Promise<LabelTemplate[]> {
    const entries = await fs.readdir(this.templatesDir);
    const names = entries
      .filter((f) => f.endsWith(SCHEMA_SUFFIX))
      .map((f) => f.slice(0, -SCHEMA_SUFFIX.length))
      .filter((n) => TEMPLATE_NAME.test(n) && entries.includes(`${n}${SOURCE_SUFFIX}`))
      .sort();
    return Promise.all(names.map((n) => this.get(n)));
  }

  async get(name: string): Promise<LabelTemplate> {
    const unknown = () =>
      new DomainError('UNKNOWN_TEMPLATE', `template "${String(name).slice(0, 80)}" does not exist in templates/`, 'invalid');
    if (typeof name !== 'string' || !TEMPLATE_NAME.test(name)) throw unknown();
    let schemaJson: string;
    let source: string;
    try {
      [schemaJson, source] = await Promise.all([this.read(`${name}${SCHEMA_SUFFIX}`), this.read(sourceFile(name, 'landscape'))]);
    } catch (e) {
      if (isMissing(e)) throw unknown();
      throw e;
    }
    const schema = parseTemplateSchema(name, schemaJson);
    const layouts: Partial<Record<LayoutName, TemplateLayout>> = { landscape: { width: schema.width, height: schema.height, source } };
    await Promise.all(
      ALTERNATIVE_LAYOUTS.map(async (layout) => {
        const file = sourceFile(name, layout);
        const size = schema.layouts[layout];
        const text = await this.read(file).catch((e: unknown) => {
          if (isMissing(e)) return undefined;
          throw e;
        });
        if (size && text === undefined) {
          throw new Error(`templates/${name}${SCHEMA_SUFFIX} lists a "${layout}" layout, but templates/${file} is missing`);
        }
        if (!size && text !== undefined) {
          throw new Error(`templates/${file} exists, but templates/${name}${SCHEMA_SUFFIX} lists no "${layout}" layout: add "layouts": { "${layout}": { "width": …, "height": … } }`);
        }
        if (size && text !== undefined) layouts[layout] = { ...size, source: text };
      }),
    );
    for (const [layout, l] of Object.entries(layouts) as Array<[LayoutName, TemplateLayout]>) {
      const drawn = declaredSvgSize(l.source);
      if (drawn && (drawn.width !== l.width || drawn.height !== l.height)) {
        throw new Error(`templates/${sourceFile(name, layout)} draws a ${drawn.width}×${drawn.height} <svg>, but templates/${name}${SCHEMA_SUFFIX} gives that layout as ${l.width}×${l.height}`);
      }
    }
    return {
      name,
      kind: schema.kind,
      fields: schema.fields,
      ...(schema.description !== undefined ? { description: schema.description } : {}),
      width: schema.width,
      height: schema.height,
      source,
      layout: 'landscape',
      layouts,
    };
  }

  private read(file: string): Promise<string> {
    return fs.readFile(path.join(this.templatesDir, file), 'utf8');
  }
}
