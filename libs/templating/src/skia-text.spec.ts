import { fontStack } from './skia-text';
import type { TextPaint } from './svg-text';

const paint = (families: string[]): TextPaint => ({
  families,
  weight: 400,
  italic: false,
  fill: '#000',
  alpha: 1,
  anchor: 'start',
  letterSpacing: 0,
});
const TEMPLATE = ['Noto Sans', 'Noto Sans CJK JP', 'Noto Sans Arabic', 'sans-serif'];

describe('fontStack', () => {
  it('keeps the template’s Noto Sans families in order and adds the family of each script in the copy', () => {
    expect(fontStack(paint(TEMPLATE), 'Fresh').slice(0, 3)).toEqual(['Noto Sans', 'Noto Sans CJK JP', 'Noto Sans Arabic']);
    const stack = fontStack(paint(TEMPLATE), 'हिन्दी और ไทย');
    expect(stack).toEqual(expect.arrayContaining(['Noto Sans Devanagari', 'Noto Sans Thai']));
    expect(stack).not.toContain('Noto Sans Bengali');
  });

  it('skips families outside Noto Sans and generic names, so nothing falls back to a serif', () => {
    const stack = fontStack(paint(['Georgia', 'serif', 'Noto Serif CJK JP', 'Noto Sans']), '天然水');
    expect(stack[0]).toBe('Noto Sans');
    expect(stack).toContain('Noto Sans CJK JP');
    expect(stack.some((f) => /Serif|Georgia|^serif$/.test(f))).toBe(false);
  });
});
