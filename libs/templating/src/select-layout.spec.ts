import { DomainError } from '@shotmatrix/domain';
import type { LabelTemplate, TemplateLayout } from './label-template';
import { orientationOf, selectLayout } from './select-layout';

const layout = (width: number, height: number, source: string): TemplateLayout => ({ width, height, source });
const base: LabelTemplate = {
  name: 'label-x',
  kind: 'label',
  fields: [{ name: 'headline', required: true }],
  ...layout(800, 260, 'wide'),
  layout: 'landscape',
  layouts: { landscape: layout(800, 260, 'wide'), portrait: layout(800, 460, 'tall') },
};

describe('orientationOf', () => {
  it.each([
    ['16:9', 16 / 9, 'landscape'],
    ['just above 1.2', 1.2001, 'landscape'],
    ['1.2', 1.2, 'square'],
    ['1:1', 1, 'square'],
    ['0.85', 0.85, 'square'],
    ['4:5', 4 / 5, 'portrait'],
    ['9:16', 9 / 16, 'portrait'],
  ])('%s → %s', (_name, aspect, expected) => {
    expect(orientationOf(aspect)).toBe(expected);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('refuses %s', (aspect) => {
    expect(() => orientationOf(aspect)).toThrow(DomainError);
  });
});

describe('selectLayout', () => {
  it.each([
    ['16:9', 16 / 9, 'landscape', 800, 260, 'wide'],
    ['9:16', 9 / 16, 'portrait', 800, 460, 'tall'],
    ['4:5', 4 / 5, 'portrait', 800, 460, 'tall'],
    // No square layout: the base one.
    ['1:1', 1, 'landscape', 800, 260, 'wide'],
  ])('%s frame → %s layout', (_name, aspect, name, width, height, source) => {
    const chosen = selectLayout(base, aspect);
    expect(chosen).toMatchObject({ name: 'label-x', kind: 'label', fields: base.fields, layout: name, width, height, source });
  });

  it('can choose again from a template it already laid out', () => {
    expect(selectLayout(selectLayout(base, 9 / 16), 16 / 9)).toMatchObject({ layout: 'landscape', source: 'wide', height: 260 });
  });

  it('uses a square layout for square frames when there is one', () => {
    const withSquare = { ...base, layouts: { ...base.layouts, square: layout(600, 600, 'square') } };
    expect(selectLayout(withSquare, 1)).toMatchObject({ layout: 'square', width: 600, source: 'square' });
  });

  it('leaves a template without layouts as it is', () => {
    const plain: LabelTemplate = { name: 'p', kind: 'super', fields: [], ...layout(10, 5, 's') };
    expect(selectLayout(plain, 9 / 16)).toEqual({ ...plain, layout: 'landscape' });
  });
});
