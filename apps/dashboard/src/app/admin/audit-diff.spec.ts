import { compactValue, describeField, prettyJson, sameJson, summarizeChange } from './audit-diff';

describe('summarizeChange', () => {
  it('lists only the top-level keys whose value changed, as from → to', () => {
    const before = { id: 'a', role: 'producer', markets: [], disabled: false };
    const after = { id: 'a', role: 'brand-manager', markets: ['de', 'fr'], disabled: false };
    expect(summarizeChange(before, after)).toEqual({
      kind: 'changed',
      fields: [
        { key: 'role', from: 'producer', to: 'brand-manager' },
        { key: 'markets', from: '[]', to: '[de, fr]' },
      ],
      more: 0,
    });
  });

  it('ignores key order and unchanged nested values', () => {
    expect(summarizeChange({ a: { x: 1, y: [1, 2] }, b: 1 }, { b: 1, a: { y: [1, 2], x: 1 } }).kind).toBe('unchanged');
  });

  it('notes keys that appear or disappear', () => {
    const summary = summarizeChange({ a: 1, gone: 'x' }, { a: 1, added: true });
    expect(summary.fields).toEqual([{ key: 'gone', from: 'x' }, { key: 'added', to: 'true' }]);
    expect(summary.fields.map(describeField)).toEqual(['− gone: x', '+ added: true']);
  });

  it('shows a created entity by its fields', () => {
    expect(summarizeChange(null, { email: 'a@example.com', role: 'viewer' })).toEqual({
      kind: 'created',
      fields: [
        { key: 'email', to: 'a@example.com' },
        { key: 'role', to: 'viewer' },
      ],
      more: 0,
    });
  });

  it('shows a removed entity by its fields', () => {
    expect(summarizeChange({ name: 'x' }, undefined)).toEqual({ kind: 'removed', fields: [{ key: 'name', from: 'x' }], more: 0 });
  });

  it('keeps the line short and counts what it left out', () => {
    const before = { a: 1, b: 1, c: 1, d: 1, e: 1, f: 1 };
    const after = { a: 2, b: 2, c: 2, d: 2, e: 2, f: 2 };
    const summary = summarizeChange(before, after, { maxFields: 2 });
    expect(summary.fields.map((f) => f.key)).toEqual(['a', 'b']);
    expect(summary.more).toBe(4);
  });

  it('treats values that are not objects on both sides as replaced whole', () => {
    expect(summarizeChange('draft', 'approved')).toEqual({ kind: 'replaced', fields: [{ key: '', from: 'draft', to: 'approved' }], more: 0 });
    expect(summarizeChange([1], { a: 1 }).kind).toBe('replaced');
    expect(summarizeChange(3, 3).kind).toBe('unchanged');
  });

  it('says nothing changed when there is nothing on either side', () => {
    expect(summarizeChange(null, null)).toEqual({ kind: 'unchanged', fields: [], more: 0 });
  });
});

describe('compactValue', () => {
  it.each([
    ['a string', 'hello', 'hello'],
    ['an empty string', '', '""'],
    ['null', null, 'null'],
    ['a number', 4, '4'],
    ['a boolean', false, 'false'],
    ['a list of codes', ['de', 'fr'], '[de, fr]'],
    ['an object', { a: 1 }, '{"a":1}'],
    ['nothing', undefined, '—'],
  ])('%s', (_what, value, expected) => {
    expect(compactValue(value)).toBe(expected);
  });

  it('cuts long values with an ellipsis', () => {
    const text = compactValue('x'.repeat(100), 10);
    expect(text).toHaveLength(10);
    expect(text.endsWith('…')).toBe(true);
  });
});

describe('describeField', () => {
  it('reads as from → to', () => {
    expect(describeField({ key: 'role', from: 'viewer', to: 'ops' })).toBe('role: viewer → ops');
    expect(describeField({ key: '', from: 'a', to: 'b' })).toBe('a → b');
  });
});

describe('sameJson / prettyJson', () => {
  it('compares arrays by position', () => {
    expect(sameJson([1, 2], [2, 1])).toBe(false);
  });

  it('pretty-prints, and names nothing as null', () => {
    expect(prettyJson({ a: 1 })).toBe('{\n  "a": 1\n}');
    expect(prettyJson(undefined)).toBe('null');
  });
});
