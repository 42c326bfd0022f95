import { parseDictionary } from '@shotmatrix/vision';
import { bestReading, copyOcrCheck } from './copy-check';

// A stand-in for PP-OCRv4's key file: digits, ASCII letters and a little punctuation; no "€".
const dictionary = parseDictionary([...'0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ,.-!'].join('\n'));

describe('bestReading: a field found among the lines OCR read in its overlay', () => {
  it.each([
    ['a price on a line of its own', '1,99 €', ['Sommer-Frische', '1,99'], 'pass'],
    ['a price the detector joined to the headline', '1,99 €', ['Sommer-Frische 1,99'], 'pass'],
    ['a headline split over two lines', 'Frisch vom Feld', ['Frisch vom', 'Feld'], 'pass'],
    ['a price with one digit too many', '12,99 €', ['Nur 12,999'], 'fail'],
    ['a wrong price', '13,99 €', ['Nur 12,99'], 'fail'],
    ['copy that is not there', 'Sommer', [], 'fail'],
  ])('%s', (_what, expected, lines, verdict) => {
    expect(bestReading(expected, lines, dictionary).verdict).toBe(verdict);
  });

  it('says "not checked" for a script the model cannot read, whatever was read', () => {
    expect(bestReading('सिर्फ़ ₹499 में', ['499'], dictionary).verdict).toBe('not-checked');
  });
});

describe('copyOcrCheck', () => {
  const reading = (expected: string, lines: string[], field = 'price') => ({ overlay: 'label', field, expected, lines });

  it('passes when every readable field comes back, and lists what it could not check', () => {
    const c = copyOcrCheck([reading('1,99 €', ['1,99']), reading('नमस्ते', ['x'], 'headline')], dictionary);
    expect(c).toMatchObject({ name: 'copy-ocr', status: 'pass', value: 0, threshold: 0.02 });
    expect(c.detail).toMatch(/^1 field read back within 2 % CER \(label price 0 %\); not checked: label headline/);
  });

  it('fails naming the overlay, the field, what was expected and what was read', () => {
    const c = copyOcrCheck([reading('1,99 €', ['1,99']), reading('Sommer', ['Winter'], 'headline')], dictionary);
    expect(c.status).toBe('fail');
    expect(c.detail).toMatch(/^copy read back wrong in label headline: expected "Sommer", read "Winter"/);
  });

  it('is not checked with nothing to read', () => {
    expect(copyOcrCheck([], dictionary).status).toBe('not-checked');
    expect(copyOcrCheck([reading('नमस्ते', ['x'])], dictionary).status).toBe('not-checked');
  });
});

describe('copyOcrCheck on overlays too small to read reliably', () => {
  it('says "not checked" for a miss there, but still passes what did read back', () => {
    const small = 'the label is only 40 px tall in the delivered file, too small to read reliably';
    const c = copyOcrCheck(
      [
        { overlay: 'label', field: 'legal', expected: 'Nur solange der Vorrat reicht.', lines: ['Sommer-Frische', '1,99'], tooSmall: small },
        { overlay: 'label', field: 'price', expected: '1,99 €', lines: ['Sommer-Frische', '1,99'], tooSmall: small },
      ],
      dictionary,
    );
    expect(c.status).toBe('pass');
    expect(c.detail).toContain(`not checked: label legal (${small})`);
  });
});
