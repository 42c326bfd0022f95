import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { DomainError } from '@shotmatrix/domain';
import { TemplateRegistry } from './template-registry';
import { TEMPLATES_DIR } from './test-templates';

describe('TemplateRegistry', () => {
  const registry = new TemplateRegistry(TEMPLATES_DIR);

  it('lists the shipped templates with their schemas', async () => {
    const all = await registry.list();
    expect(all.map((t) => [t.name, t.kind])).toEqual([
      ['demo-scene', 'scene'],
      ['label-badge', 'label'],
      ['label-classic', 'label'],
      ['legal-line', 'super'],
      ['super-tagline', 'super'],
    ]);
    const classic = all.find((t) => t.name === 'label-classic');
    expect(classic).toMatchObject({ width: 800, height: 260 });
    expect(classic?.fields.map((f) => [f.name, f.required])).toEqual([
      ['headline', true],
      ['price', true],
      ['legal', false],
    ]);
    expect(classic?.source).toContain('<svg');
  });

  it('sizes the demo scene at twice a 960x540 video', async () => {
    await expect(registry.get('demo-scene')).resolves.toMatchObject({ width: 1920, height: 1080, fields: [{ name: 'brand', required: true }] });
  });

  it.each(['label-fancy', '../templates/label-classic', 'Label-Classic', 'label_classic', '', 'label-classic.svg.hbs', '/etc/passwd'])(
    'refuses %j as unknown',
    async (name) => {
      const err = await registry.get(name).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DomainError);
      expect(err).toMatchObject({ code: 'UNKNOWN_TEMPLATE', kind: 'invalid' });
      expect((err as Error).message).toMatch(/^template ".*" does not exist in templates\/$/);
    },
  );

  it('names the template in the message', async () => {
    await expect(registry.get('label-fancy')).rejects.toThrow('template "label-fancy" does not exist in templates/');
  });

  describe('with a broken folder', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shotmatrix-templates-'));
      await fs.writeFile(path.join(dir, 'bad.schema.json'), JSON.stringify({ width: -1, height: 10, fields: [{ name: '1x' }] }));
      await fs.writeFile(path.join(dir, 'bad.svg.hbs'), '<svg/>');
      await fs.writeFile(path.join(dir, 'orphan.schema.json'), '{}');
      await fs.writeFile(path.join(dir, 'notjson.schema.json'), '{');
      await fs.writeFile(path.join(dir, 'notjson.svg.hbs'), '<svg/>');
    });
    afterAll(() => fs.rm(dir, { recursive: true, force: true }));

    it('explains what is wrong with a schema, naming the file', async () => {
      const r = new TemplateRegistry(dir);
      await expect(r.get('bad')).rejects.toThrow(
        'templates/bad.schema.json is invalid: "width" must be a whole number from 1 to 8192; fields[0].name must be a letter',
      );
      await expect(r.get('notjson')).rejects.toThrow('templates/notjson.schema.json is not valid JSON');
    });

    it('treats a schema without its SVG source as missing', async () => {
      await expect(new TemplateRegistry(dir).get('orphan')).rejects.toMatchObject({ code: 'UNKNOWN_TEMPLATE' });
    });
  });
});
