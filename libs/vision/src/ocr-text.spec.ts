import {
  characterErrorRate,
  classifyScript,
  ctcGreedyDecode,
  editDistance,
  foldForComparison,
  judgeOcr,
  parseDictionary,
  prepareComparable,
  type OcrVerdict,
  type ScriptClass,
} from './ocr-text';

/**
 * A stand-in for ppocr_keys_v1.txt with the facts that matter here (checked on
 * the real file in ocr.int.spec.ts): digits, ASCII, `¥`, `ä` `ü`, full-width
 * `，` and some Hanzi (税 格 每 日), but no `€` `円` `ß` `ö` and no hiragana.
 */
const KEYS = [
  ...'0123456789',
  ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ',
  ...`,.:;!?%&'"-/()$`,
  '—',
  '¥',
  '￥',
  '，',
  '、',
  'ä',
  'ü',
  '税',
  '格',
  '每',
  '日',
  '达',
  '乐',
].join('\n');
const dictionary = parseDictionary(KEYS);

describe('parseDictionary', () => {
  it.each([
    ['LF', 'a\nb\nc', ['', 'a', 'b', 'c', ' ']],
    ['trailing newline', 'a\nb\nc\n', ['', 'a', 'b', 'c', ' ']],
    ['CRLF', 'a\r\nb\r\nc\r\n', ['', 'a', 'b', 'c', ' ']],
    ['astral character', 'a\n𣇉', ['', 'a', '𣇉', ' ']],
  ])('%s: blank first, the lines, then the appended space', (_name, text, labels) => {
    expect(parseDictionary(text).labels).toEqual(labels);
  });

  it('rejects an empty line in the middle (it would shift every later class)', () => {
    expect(() => parseDictionary('a\n\nb')).toThrow(/line 2 is empty/);
  });

  it('knows what the model can emit, after the comparison fold', () => {
    const d = parseDictionary('，\n￥\nA');
    expect([...d.emittable].sort()).toEqual([',', 'A', '¥'].sort());
  });
});

describe('ctcGreedyDecode', () => {
  const labels = ['', 'a', 'b', ' '];
  /** One row per time step: [class, its probability]; the rest of the mass goes to the blank or class 1. */
  const probs = (steps: [number, number][]) => {
    const p = new Float32Array(steps.length * labels.length);
    steps.forEach(([c, q], t) => {
      p[t * labels.length + c] = q;
      p[t * labels.length + (c === 0 ? 1 : 0)] = 1 - q;
    });
    return p;
  };

  it.each<[string, [number, number][], string, number]>([
    ['collapses repeats, drops blanks', [[1, 0.9], [1, 0.8], [0, 0.99], [1, 0.7], [2, 0.6], [2, 0.9]], 'aab', (0.9 + 0.7 + 0.6) / 3],
    ['emits the appended space', [[1, 1], [3, 0.8], [2, 0.6]], 'a b', (1 + 0.8 + 0.6) / 3],
    ['all blank', [[0, 0.9], [0, 0.8]], '', 0],
  ])('%s', (_name, steps, text, confidence) => {
    const out = ctcGreedyDecode(probs(steps), steps.length, labels.length, labels);
    expect(out.text).toBe(text);
    expect(out.confidence).toBeCloseTo(confidence, 5);
  });

  it('refuses a dictionary that does not match the model', () => {
    expect(() => ctcGreedyDecode(new Float32Array(10), 2, 5, labels)).toThrow(/5 classes but the dictionary gives 4/);
  });
});

describe('classifyScript', () => {
  it.each<[string, ScriptClass, string[]]>([
    ['Nur 12,99 €', 'latin', ['Latin']],
    ['1,99 €', 'latin', []],
    ['Größe, Öl, schön', 'latin', ['Latin']],
    ['¥1,280 税込', 'cjk', ['Han']],
    ['おいしい毎日', 'cjk', ['Hiragana', 'Han']],
    ['セール 50% OFF', 'cjk', ['Katakana', 'Latin']],
    ['한국어', 'cjk', ['Hangul']],
    ['सिर्फ़ ₹499', 'other', ['Devanagari']],
    ['ราคาพิเศษ 99 บาท', 'other', ['Thai']],
    ['عرض خاص', 'other', ['Arabic']],
    ['Sale שלום', 'other', ['Latin', 'Hebrew']],
    ['Скидка 20%', 'other', ['Cyrillic']],
    ['Έκπτωση', 'other', ['Greek']],
  ])('%s → %s %j', (text, script, found) => {
    expect(classifyScript(text)).toEqual({ script, found });
  });
});

describe('foldForComparison', () => {
  it.each([
    ['spaces and line breaks go', 'Nur 12,99\n€', 'Nur12,99€'],
    ['full-width forms become ASCII', '￥1，280', '¥1,280'],
    ['Latin accents go, ß stays', 'Crème brûlée, Größe', 'cremebrulee,Große'],
    ['same-shape capitals lower-case', 'São Paulo OVW', 'saoPauloovw'],
    ['dashes and typographic quotes', 'Don’t “miss” – 50 — off', `Don't"miss"-50-off`],
    ['kana keep their voicing marks', 'ガラス', 'ガラス'],
  ])('%s', (_name, text, folded) => {
    expect(foldForComparison(text)).toBe(folded);
  });
});

describe('characterErrorRate', () => {
  it.each([
    ['kitten', 'sitting', 3 / 6],
    ['12,99 €', '12,99 €', 0],
    ['12,99 €', '13,99 €', 1 / 6],
    ['Frische, die man schmeckt', 'Frische,die man  schmeckt', 0],
    ['Nur 12,99', 'Nur 12,999', 1 / 8],
    ['Nur 12,99', '', 1],
    ['', '', 0],
    ['', 'x', 1],
  ])('%j vs %j', (expected, read, cer) => {
    expect(characterErrorRate(expected, read)).toBeCloseTo(cer, 6);
  });

  it('counts code points, not UTF-16 units', () => {
    expect(editDistance('𣇉a', 'a')).toBe(1);
  });
});

describe('prepareComparable', () => {
  it.each([
    ['Nur 12,99 €', 8, ['€'], []],
    ['¥1,280 税込', 7, ['込'], []],
    ['価格 1,280円', 6, ['価', '円'], []],
    ['Größe, Straße', 10, ['ß'], ['ö']],
    ['Käse für Müller', 13, [], ['ä', 'ü']],
  ])('%s: %d checked, unreadable %j, accents ignored %j', (text, checked, unreadable, accents) => {
    const c = prepareComparable(text, dictionary);
    expect(c.checkedChars).toBe(checked);
    expect(c.unreadable).toEqual(unreadable);
    expect(c.accentsIgnored).toEqual(accents);
  });
});

describe('judgeOcr', () => {
  it.each<[string, string | string[], OcrVerdict, number | undefined]>([
    // What PP-OCRv4 read from Noto Sans supers on real plates (see ocr.int.spec.ts).
    ['Nur 12,99 €', 'Nur 12,99 ', 'pass', 0],
    ['Nur 12,99 €', ['Nur', '12,99'], 'pass', 0],
    ['¥1,280 税込', '￥1，280税达', 'pass', 0],
    ['Größe, Öl, schön, Straße', 'GroBe, Ol, schon, StraBe', 'pass', 0],
    ['Déjà vu, Noël, São Paulo', 'Deja vu,Noel,sao Paulo', 'pass', 0],
    ['Offer ends 31/12 — T&Cs apply', 'Offer ends31/12-T&Cs apply', 'pass', 0],
    // Apostrophes may be read or dropped (the demo's "Fait pour l’été" on a sunset plate came back both ways).
    ['Fait pour l’été', 'Fait pour lété', 'pass', 0],
    ['Fait pour l’été', "Faitpourl'ete", 'pass', 0],
    ['Fait pour l’été', 'Fait pour la été', 'fail', 1 / 12],
    // Wrong copy, or a wrong reading, fails: a hole never excuses a digit or a currency sign.
    ['13,99 €', '12,99', 'fail', 1 / 5],
    ['12,99 €', '12,999', 'fail', 1 / 5],
    ['12,99 €', '12,99 $', 'fail', 1 / 5],
    ['Frische, die man schmeckt', 'Frische, die mann schmeckt', 'fail', 1 / 22],
    ['Nur 12,99 €', '', 'fail', 1],
    // 2 %: one slip in 50 or more checked characters still passes.
    ['Fresh from the farm, every single morning, on every table in town', 'Fresh from the farm, every single mornimg, on every table in town', 'pass', 1 / 54],
  ])('%s read as %j → %s', (expected, read, verdict, cer) => {
    const j = judgeOcr({ expected, read, dictionary });
    expect(j.verdict).toBe(verdict);
    expect(j.cer).toBeCloseTo(cer!, 6);
  });

  it.each([
    ['おいしい毎日を、あなたに', '每日、', /only 2 of the 12 characters .* cannot read "お", "い", "し"/],
    ['€5', '5', /only 1 of the 2 characters/],
    ['सिर्फ़ ₹499', '乐?499', /written in Devanagari, which the OCR model cannot read/],
    ['ราคาพิเศษ 99 บาท', 'SAWIAU 99 Un', /written in Thai/],
    ['عرض خاص 20%', '20%', /written in Arabic/],
  ])('%s is not checked, never passed', (expected, read, reason) => {
    const j = judgeOcr({ expected, read, dictionary });
    expect(j.verdict).toBe('not-checked');
    expect(j.cer).toBeUndefined();
    expect(j.reason).toMatch(reason);
  });

  it('explains itself to a producer', () => {
    expect(judgeOcr({ expected: '12,99 €', read: '12,99', dictionary }).reason).toBe(
      'read "12,99" for "12,99 €" (CER 0 %; "€" cannot be read by the OCR model)',
    );
    expect(judgeOcr({ expected: '13,99 €', read: '12,99', dictionary }).reason).toBe(
      'read "12,99" for "13,99 €" (CER 20 %; "€" cannot be read by the OCR model)',
    );
    expect(judgeOcr({ expected: 'Fait pour l’été', read: 'Fait pour lété', dictionary }).reason).toBe(
      'read "Fait pour lété" for "Fait pour l’été" (CER 0 %; accents not checked on "é"; apostrophes not checked)',
    );
    expect(judgeOcr({ expected: 'schön', read: '', dictionary }).reason).toBe(
      'nothing was read where "schön" was expected (CER 100 %; accents not checked on "ö")',
    );
  });

  it('takes a custom threshold', () => {
    const read = 'Frische, die mann schmeckt';
    expect(judgeOcr({ expected: 'Frische, die man schmeckt', read, dictionary, threshold: 0.05 }).verdict).toBe('pass');
  });
});

describe('kana in the Chinese key file', () => {
  it('are never emittable, so mostly-kana copy is not checked rather than failed', () => {
    const d = parseDictionary(['夏', '一', '本', 'の', 'マ'].join('\n'));
    expect(d.emittable.has('の')).toBe(false);
    expect(d.emittable.has('夏')).toBe(true);
    expect(judgeOcr({ expected: '夏のための一本', read: '夏の一本', dictionary: d }).verdict).toBe('not-checked');
  });
});
