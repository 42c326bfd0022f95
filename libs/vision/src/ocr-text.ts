/**
 * Pure text logic for OCR-based copy QC: the recogniser's dictionary, CTC
 * decoding, script classification and the comparison of what was read with
 * what the copy deck says. No I/O; `ocr.ts` wraps the models.
 */

/** The recogniser's classes: index 0 is the CTC blank, 1..n the dictionary lines, then the space PaddleOCR appends. */
export interface OcrDictionary {
  /** Class index → text; `labels[0]` (the blank) is the empty string. */
  readonly labels: readonly string[];
  /**
   * Every string the model can emit, after the comparison fold (see `foldForComparison`),
   * so that a full-width `，` in the dictionary vouches for `,` in the copy.
   */
  readonly emittable: ReadonlySet<string>;
}

/**
 * Kana never count as emittable, though the Chinese key file lists a few (の サ
 * シ ジ マ): the recogniser was not trained on Japanese text, and around other
 * kana it drops them with their neighbours — measured on the demo's rendered
 * tagline "夏のための一本", read as "夏の一本" and "夏の本". Treating them as
 * holes makes kana copy "not checked" instead of failing correct renders.
 */
const KANA = /^[\p{Script=Hiragana}\p{Script=Katakana}]$/u;

/**
 * Parses a PaddleOCR key file (one entry per line). Lines are kept as they are,
 * spaces included: an entry may be a single character outside the BMP (this file
 * holds `𣇉`), so entries are strings, not UTF-16 units.
 */
export function parseDictionary(text: string): OcrDictionary {
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const empty = lines.findIndex((l) => l === '');
  if (empty >= 0) throw new Error(`OCR dictionary line ${empty + 1} is empty`);
  const labels = ['', ...lines, ' '];
  const emittable = new Set<string>();
  for (const l of labels.slice(1)) for (const c of Array.from(foldForComparison(l))) if (!KANA.test(c)) emittable.add(c);
  return { labels, emittable };
}

export interface CtcDecoded {
  text: string;
  /** Mean of the winning class's probability over the kept time steps (PaddleOCR's line score); 0 when nothing was kept. */
  confidence: number;
}

/**
 * Greedy CTC decoding of one line: the most likely class per time step,
 * repeats collapsed, blanks dropped. `probs` is [steps, classes] row-major,
 * already softmaxed (the PP-OCR recogniser ends in a softmax).
 */
export function ctcGreedyDecode(probs: Float32Array, steps: number, classes: number, labels: readonly string[]): CtcDecoded {
  if (probs.length < steps * classes) throw new Error(`CTC output has ${probs.length} values, expected ${steps}×${classes}`);
  if (labels.length !== classes) throw new Error(`the model has ${classes} classes but the dictionary gives ${labels.length}`);
  let text = '';
  let sum = 0;
  let kept = 0;
  let previous = -1;
  for (let t = 0; t < steps; t++) {
    const row = t * classes;
    let best = 0;
    let bestP = probs[row];
    for (let c = 1; c < classes; c++) {
      const p = probs[row + c];
      if (p > bestP) {
        bestP = p;
        best = c;
      }
    }
    if (best !== 0 && best !== previous) {
      text += labels[best];
      sum += bestP;
      kept++;
    }
    previous = best;
  }
  return { text, confidence: kept ? sum / kept : 0 };
}

export type ScriptClass = 'latin' | 'cjk' | 'other';

export interface ScriptReport {
  /** `other` as soon as one letter is outside Latin and CJK; `cjk` when Han, kana or Hangul appear; digits and punctuation alone count as `latin`. */
  script: ScriptClass;
  /** Unicode script names found among the letters, in order of appearance (e.g. `Latin`, `Han`, `Devanagari`). */
  found: string[];
}

const CHECKED_SCRIPTS: Record<string, ScriptClass> = { Latin: 'latin', Han: 'cjk', Hiragana: 'cjk', Katakana: 'cjk', Hangul: 'cjk', Bopomofo: 'cjk' };
/** Scripts named in reports; a letter in none of these is reported as "another script". */
const KNOWN_SCRIPTS = [
  ...Object.keys(CHECKED_SCRIPTS),
  'Arabic',
  'Hebrew',
  'Syriac',
  'Thaana',
  'Devanagari',
  'Bengali',
  'Gurmukhi',
  'Gujarati',
  'Oriya',
  'Tamil',
  'Telugu',
  'Kannada',
  'Malayalam',
  'Sinhala',
  'Thai',
  'Lao',
  'Tibetan',
  'Myanmar',
  'Khmer',
  'Mongolian',
  'Greek',
  'Cyrillic',
  'Armenian',
  'Georgian',
  'Ethiopic',
];
const SCRIPT_PATTERNS = KNOWN_SCRIPTS.map((name) => ({ name, re: new RegExp(`^\\p{Script=${name}}$`, 'u') }));
const LETTER_OR_MARK = /^[\p{L}\p{M}]$/u;
const NEUTRAL = /^[\p{Script=Common}\p{Script=Inherited}]$/u;

/** Which writing systems a piece of copy uses, and so whether the OCR check applies to it. */
export function classifyScript(text: string): ScriptReport {
  const found: string[] = [];
  for (const ch of Array.from(text.normalize('NFC'))) {
    if (NEUTRAL.test(ch) || !LETTER_OR_MARK.test(ch)) continue;
    const name = SCRIPT_PATTERNS.find((s) => s.re.test(ch))?.name ?? 'another script';
    if (!found.includes(name)) found.push(name);
  }
  let script: ScriptClass = 'latin';
  for (const name of found) {
    const cls = CHECKED_SCRIPTS[name];
    if (!cls) return { script: 'other', found };
    if (cls === 'cjk') script = 'cjk';
  }
  return { script, found };
}

const WHITESPACE = /\s+/gu;
const DASHES = /\p{Pd}/gu;
const SINGLE_QUOTES = /[\u2018\u2019\u201A\u201B\u2032]/gu;
const DOUBLE_QUOTES = /[\u201C\u201D\u201E\u201F\u2033]/gu;
const LATIN_WITH_MARKS = /\p{Script=Latin}\p{M}+/gu;
/** Letters whose capital is the small letter drawn larger: the model confused `S` and `s` in "São" at 64 px. */
const SAME_SHAPE_CAPITALS = /[COSUVWXZ]/g;

/**
 * The fold applied to both the copy and the reading before they are compared,
 * each step for something measured on this recogniser (PP-OCRv4, Noto Sans
 * supers on real plates at 28–64 px):
 * - NFKC: CJK lines come back with full-width `，` `：` `￥` and digits.
 * - no whitespace: spaces are dropped and invented between words ("Jetztnur12,99statt19,99").
 * - Latin letters lose their accents: although the dictionary holds é è à ä ü Ü É,
 *   the model read them as the bare letter in 13 of 15 renders ("Creme brulee",
 *   "Muller", "Deja vu"), and it has no class at all for ö ç â ê ã û.
 * - c o s u v w x z compared without case (the glyphs differ only in size).
 * - dashes become `-` (it read "—" as "-"), typographic quotes become ASCII ones.
 */
export function foldForComparison(text: string): string {
  return text
    .normalize('NFKC')
    .replace(WHITESPACE, '')
    .normalize('NFD')
    .replace(LATIN_WITH_MARKS, (m) => m[0])
    .normalize('NFC')
    .replace(SAME_SHAPE_CAPITALS, (c) => c.toLowerCase())
    .replace(DASHES, '-')
    .replace(SINGLE_QUOTES, "'")
    .replace(DOUBLE_QUOTES, '"');
}

/** One position of the copy as compared with the reading. */
export type CopyToken =
  /** A character the model can emit: checked. */
  | { kind: 'char'; char: string }
  /** A character the model cannot emit at all (€, 円, ß, most kana): not checked; it may be read as nothing or as one stray character. */
  | { kind: 'hole'; char: string };

export interface ComparableCopy {
  tokens: CopyToken[];
  /** Characters compared. */
  checkedChars: number;
  /** Distinct characters of the copy the model cannot read, in order of appearance. */
  unreadable: string[];
  /** Distinct accented Latin letters of the copy that are compared without their accents. */
  accentsIgnored: string[];
  /** Whether the copy has apostrophes, which are compared as optional (see APOSTROPHE). */
  apostrophes: boolean;
}

/**
 * An apostrophe (any, after folding to `'`) may be read or not: the model dropped the
 * one in "Fait pour l’été" on 2 of 6 demo renders (a super over a sunset plate) and
 * read it on the rest and on a plain plate, so a missing one says nothing about the
 * render. It does not count as a checked character either way.
 */
const APOSTROPHE = "'";

/** Splits the copy into what the model can read (checked) and what it cannot (left out and listed). */
export function prepareComparable(expected: string, dictionary: OcrDictionary): ComparableCopy {
  const tokens: CopyToken[] = [];
  const unreadable: string[] = [];
  const accentsIgnored: string[] = [];
  let apostrophes = false;
  for (const original of Array.from(expected.normalize('NFKC'))) {
    const folded = foldForComparison(original);
    if (folded !== original && /^\p{Script=Latin}$/u.test(original) && original.normalize('NFD') !== original && !accentsIgnored.includes(original)) {
      accentsIgnored.push(original);
    }
    for (const ch of Array.from(folded)) {
      if (ch === APOSTROPHE) {
        tokens.push({ kind: 'hole', char: ch });
        apostrophes = true;
      } else if (dictionary.emittable.has(ch)) {
        tokens.push({ kind: 'char', char: ch });
      } else {
        tokens.push({ kind: 'hole', char: ch });
        if (!unreadable.includes(original)) unreadable.push(original);
      }
    }
  }
  const checkedChars = tokens.filter((t) => t.kind === 'char').length;
  return { tokens, checkedChars, unreadable, accentsIgnored, apostrophes };
}

/** Plain Levenshtein distance over code points. */
export function editDistance(a: string, b: string): number {
  return tokenDistance(
    Array.from(a).map((char) => ({ kind: 'char', char }) as const),
    Array.from(b),
  );
}

/**
 * Character error rate: edits (substitutions, insertions, deletions) needed to
 * turn the expected text into the reading, over the expected length, both
 * folded by `foldForComparison` (so spacing never counts). An empty expectation
 * scores 0 against an empty reading and 1 against anything else.
 */
export function characterErrorRate(expected: string, read: string): number {
  const e = foldForComparison(expected);
  const r = foldForComparison(read);
  const n = Array.from(e).length;
  if (n === 0) return r.length === 0 ? 0 : 1;
  return editDistance(e, r) / n;
}

/**
 * What the model makes of a glyph it has no class for: nothing (€, 円, 込 mostly),
 * or one lookalike (ß → "B", 価 → "俩", 込 → "达"/"入", 毎 → "每"). So a hole may
 * swallow one read character, but never a digit or a currency sign: "12,99 $"
 * for "12,99 €", or an extra digit beside the €, must still count.
 */
const HOLE_MAY_ABSORB = (ch: string) => !/^[\p{Nd}\p{Sc}]$/u.test(ch);

/** Edit distance between copy tokens and read characters; a hole costs nothing to delete or to match an absorbable character. */
function tokenDistance(tokens: readonly CopyToken[], read: readonly string[]): number {
  const m = read.length;
  let prev = new Int32Array(m + 1);
  let cur = new Int32Array(m + 1);
  for (let j = 0; j <= m; j++) prev[j] = j;
  for (const t of tokens) {
    const del = t.kind === 'hole' ? 0 : 1;
    cur[0] = prev[0] + del;
    for (let j = 1; j <= m; j++) {
      const r = read[j - 1];
      let sub: number;
      if (t.kind === 'char') sub = t.char === r ? 0 : 1;
      // An apostrophe may be missing, or read as itself; any other character in its place counts.
      else sub = t.char === APOSTROPHE ? (r === APOSTROPHE ? 0 : 1) : HOLE_MAY_ABSORB(r) ? 0 : 1;
      cur[j] = Math.min(prev[j - 1] + sub, prev[j] + del, cur[j - 1] + 1);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[m];
}

/**
 * Most copy must be checkable for a verdict: below this share of the copy's
 * (non-space) characters it is "not checked". Prices keep a verdict ("1,99 €"
 * 4 of 5, "¥1,280 税込" 7 of 8, "価格 1,280円" 6 of 8 checkable); a kana tagline
 * does not ("おいしい毎日を、あなたに": 2 of 12), nor does "€5" (1 of 2).
 */
export const MIN_CHECKED_SHARE = 2 / 3;
/** The largest CER that still passes (2 %: in practice an exact match for copy under 50 characters). */
export const OCR_CER_THRESHOLD = 0.02;

export type OcrVerdict = 'pass' | 'fail' | 'not-checked';

export interface OcrJudgement {
  verdict: OcrVerdict;
  /** Character error rate over the checked characters; absent when not checked. */
  cer?: number;
  checkedChars: number;
  /** Characters of the copy the model cannot read, left out of the comparison. */
  unreadable: string[];
  /** Accented Latin letters of the copy compared without their accents (see `foldForComparison`). */
  accentsIgnored: string[];
  script: ScriptClass;
  /** Unicode scripts found in the copy. */
  scripts: string[];
  /** One sentence for the producer. */
  reason: string;
}

export interface JudgeOcrInput {
  /** The copy as the deck gives it. */
  expected: string;
  /** What was read in the region the copy was rendered into: one string, or the lines in reading order. */
  read: string | readonly string[];
  dictionary: OcrDictionary;
  /** Defaults to OCR_CER_THRESHOLD. */
  threshold?: number;
}

const percent = (x: number) => `${Math.round(x * 1000) / 10} %`;
const quoted = (chars: string[], max = 8) =>
  chars
    .slice(0, max)
    .map((c) => `"${c}"`)
    .join(', ') + (chars.length > max ? ` and ${chars.length - max} more` : '');

/** Compares rendered copy, as read by OCR, with the copy deck. */
export function judgeOcr(input: JudgeOcrInput): OcrJudgement {
  const threshold = input.threshold ?? OCR_CER_THRESHOLD;
  const expected = input.expected.normalize('NFC');
  const read = (typeof input.read === 'string' ? input.read : input.read.join(' ')).normalize('NFC').trim();
  const { script, found } = classifyScript(expected);
  const comparable = prepareComparable(expected, input.dictionary);
  const { checkedChars, unreadable, accentsIgnored } = comparable;
  const base = { checkedChars, unreadable, accentsIgnored, script, scripts: found };

  // One letter of another script is enough, however Latin the rest: the model answers such glyphs with
  // confident lookalikes (Thai "ราคาพิเศษ 99 บาท" came back as "SAWIAU 99 U1n" at 0.6–0.8), so no
  // part of the line can be vouched for. Hangul counts as CJK but has no classes: the share rule catches it.
  if (script === 'other') {
    const others = found.filter((s) => !(s in CHECKED_SCRIPTS));
    return {
      ...base,
      verdict: 'not-checked',
      reason: `"${input.expected}" is written in ${others.join(' and ')}, which the OCR model cannot read; check it by eye`,
    };
  }
  const total = comparable.tokens.length;
  if (total === 0) return { ...base, verdict: 'not-checked', reason: 'the copy is empty' };
  if (checkedChars === 0 || checkedChars / total < MIN_CHECKED_SHARE) {
    return {
      ...base,
      verdict: 'not-checked',
      reason: `only ${checkedChars} of the ${total} characters of "${input.expected}" can be read by the OCR model (it cannot read ${quoted(unreadable)}); check it by eye`,
    };
  }

  const distance = tokenDistance(comparable.tokens, Array.from(foldForComparison(read)));
  const cer = distance / checkedChars;
  const verdict: OcrVerdict = cer <= threshold ? 'pass' : 'fail';
  const notes: string[] = [`CER ${percent(cer)}`];
  if (unreadable.length) notes.push(`${quoted(unreadable)} cannot be read by the OCR model`);
  if (accentsIgnored.length) notes.push(`accents not checked on ${quoted(accentsIgnored)}`);
  if (comparable.apostrophes) notes.push('apostrophes not checked');
  const reason = read
    ? `read "${read}" for "${input.expected}" (${notes.join('; ')})`
    : `nothing was read where "${input.expected}" was expected (${notes.join('; ')})`;
  return { ...base, verdict, cer, reason };
}
