import { breakPieces } from './line-breaks';
import { paragraphDirection } from './text-direction';

describe('breakPieces', () => {
  it.each([
    ['Grüße aus Köln', ['Grüße ', 'aus ', 'Köln']],
    ['Sommer-Frische  für', ['Sommer-', 'Frische  ', 'für']],
    ['-5 % 4,99 €', ['-5 ', '% ', '4,99 ', '€']],
    // Phrases: hiragana stays with the word before it; no line starts with 、 or ー, none ends with 「.
    ['夏のための、さわやかな天然炭酸水', ['夏のための、', 'さわやかな', '天然', '炭酸', '水']],
    ['「新鮮」な水。', ['「新鮮」な', '水。']],
    ['价格包含增值税。', ['价格', '包含', '增值', '税。']],
    ['가격은 부가세 포함', ['가격은 ', '부가세 ', '포함']],
    ['สวัสดีครับ ยินดีต้อนรับ', ['สวัสดี', 'ครับ ', 'ยินดี', 'ต้อนรับ']],
    ['हिन्दी में नमस्ते', ['हिन्दी ', 'में ', 'नमस्ते']],
    ['مرحبا بالعالم', ['مرحبا ', 'بالعالم']],
  ])('%j → %j', (text, pieces) => {
    expect(breakPieces(text)).toEqual(pieces);
    expect(breakPieces(text).join('')).toBe(text);
  });
});

describe('paragraphDirection', () => {
  it.each([
    ['Hello', 'ltr'],
    ['مرحبا بالعالم', 'rtl'],
    ['שלום', 'rtl'],
    ['4,99 € مرحبا', 'rtl'],
    ['«Hola» مرحبا', 'ltr'],
    ['١٢٣ ٤٫٩٩', 'ltr'],
    ['', 'ltr'],
  ] as const)('%j → %s', (text, direction) => {
    expect(paragraphDirection(text)).toBe(direction);
  });
});
