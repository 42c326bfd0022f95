import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { DomainError } from '@shotmatrix/domain';
import { parseTemplateSchema, TEMPLATE_NAME, type LabelTemplate } from './label-template';

const SCHEMA_SUFFIX = '.schema.json';
const SOURCE_SUFFIX = '.svg.hbs';

/**
 * Templates come only from one folder, by names that cannot hold a path:
 * market copy may fill a template, never choose or supply one.
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
    let schema: string;
    let source: string;
    try {
      [schema, source] = await Promise.all([
        fs.readFile(path.join(this.templatesDir, `${name}${SCHEMA_SUFFIX}`), 'utf8'),
        fs.readFile(path.join(this.templatesDir, `${name}${SOURCE_SUFFIX}`), 'utf8'),
      ]);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw unknown();
      throw e;
    }
    return parseTemplateSchema(name, schema, source);
  }
}
