import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { DomainError } from '@shotmatrix/domain';
import { TemplateRegistry } from './template-registry';
import { templateHash } from './label-template';
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
    expect(classic?.layout).toBe('landscape');
  });

  it('reads the layouts each template provides, the base as landscape', async () => {
    const all = await registry.list();
    const layouts = Object.fromEntries(
      all.map((t) => [t.name, Object.fromEntries(Object.entries(t.layouts ?? {}).map(([k, l]) => [k, `${l.width}x${l.height}`]))]),
    );
    expect(layouts).toEqual({
      'demo-scene': { landscape: '1920x1080' },
      'label-badge': { landscape: '480x480' },
      'label-classic': { landscape: '800x260', portrait: '800x460' },
      'legal-line': { landscape: '1600x64', portrait: '1000x150' },
      'super-tagline': { landscape: '1400x150', portrait: '1000x260' },
    });
    const classic = all.find((t) => t.name === 'label-classic');
    expect(classic?.layouts?.landscape?.source).toBe(classic?.source);
    expect(classic?.layouts?.portrait?.source).toContain('width="800" height="460"');
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
    const svg = (w: number, h: number) => `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"/>`;
    const write = (file: string, text: string) => fs.writeFile(path.join(dir, file), text);
    const schema = (extra: object) => JSON.stringify({ width: 100, height: 50, fields: [], ...extra });
    beforeAll(async () => {
      dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shotmatrix-templates-'));
      await write('bad.schema.json', JSON.stringify({ width: -1, height: 10, fields: [{ name: '1x' }] }));
      await write('bad.svg.hbs', '<svg/>');
      await write('orphan.schema.json', '{}');
      await write('notjson.schema.json', '{');
      await write('notjson.svg.hbs', '<svg/>');
      await write('nosource.schema.json', schema({ layouts: { portrait: { width: 60, height: 80 } } }));
      await write('nosource.svg.hbs', svg(100, 50));
      await write('unlisted.schema.json', schema({}));
      await write('unlisted.svg.hbs', svg(100, 50));
      await write('unlisted.square.svg.hbs', svg(80, 80));
      await write('badlayouts.schema.json', schema({ layouts: { landscape: { width: 1, height: 1 }, portrait: { width: 0, height: 80 } } }));
      await write('badlayouts.svg.hbs', svg(100, 50));
      await write('resized.schema.json', schema({ layouts: { square: { width: 80, height: 80 } } }));
      await write('resized.svg.hbs', svg(100, 50));
      await write('resized.square.svg.hbs', svg(90, 80));
      await write('good.schema.json', schema({ layouts: { square: { width: 80, height: 80 }, portrait: { width: 60, height: 100 } } }));
      await write('good.svg.hbs', svg(100, 50));
      await write('good.square.svg.hbs', svg(80, 80));
      await write('good.portrait.svg.hbs', svg(60, 100));
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

    it.each([
      ['nosource', 'templates/nosource.schema.json lists a "portrait" layout, but templates/nosource.portrait.svg.hbs is missing'],
      ['unlisted', 'templates/unlisted.square.svg.hbs exists, but templates/unlisted.schema.json lists no "square" layout'],
      [
        'badlayouts',
        'templates/badlayouts.schema.json is invalid: layouts.landscape is not a layout: use "square" or "portrait" (the base layout is the landscape one); "layouts.portrait.width" must be a whole number from 1 to 8192',
      ],
      ['resized', 'templates/resized.square.svg.hbs draws a 90×80 <svg>, but templates/resized.schema.json gives that layout as 80×80'],
    ])('refuses %s at load', async (name, message) => {
      const err = await new TemplateRegistry(dir).get(name).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      expect(err).not.toBeInstanceOf(DomainError);
      expect((err as Error).message).toContain(message);
    });

    it('loads every listed layout', async () => {
      const good = await new TemplateRegistry(dir).get('good');
      expect(good).toMatchObject({ width: 100, height: 50, layout: 'landscape' });
      expect(good.layouts).toEqual({
        landscape: { width: 100, height: 50, source: svg(100, 50) },
        square: { width: 80, height: 80, source: svg(80, 80) },
        portrait: { width: 60, height: 100, source: svg(60, 100) },
      });
    });
  });
});

describe('templateHash', () => {
  it('changes when any layout changes, not only the base source', () => {
    const base = { source: '<svg/>', layouts: { landscape: { width: 10, height: 5, source: '<svg/>' }, portrait: { width: 5, height: 10, source: '<svg a="1"/>' } } };
    const portraitEdited = { ...base, layouts: { ...base.layouts, portrait: { ...base.layouts.portrait, source: '<svg a="2"/>' } } };
    expect(templateHash(base)).toMatch(/^[0-9a-f]{64}$/);
    expect(templateHash(base)).toBe(templateHash({ ...base }));
    expect(templateHash(portraitEdited)).not.toBe(templateHash(base));
  });
});
