/**
 * Where a line of copy may break, for wrapping text to a width:
 * - after spaces, and after a hyphen inside a word;
 * - in Chinese and Japanese, between words as ICU's dictionary finds them,
 *   keeping hiragana (particles, okurigana) with the word before it so lines
 *   break between phrases, closing punctuation and small kana off the start
 *   of a line and opening brackets off its end;
 * - in scripts written without spaces (Thai, Lao, Khmer, Myanmar), between
 *   words as ICU's dictionary finds them.
 * Korean breaks at spaces, as it is set today.
 */
const SPACE = /[ \t]/;
const CJ = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Bopomofo}\u3000-\u303F\uFF00-\uFFEF\u30FC]/u;
const SENTENCE_PUNCTUATION = /[、。，．！？]/u;
const HIRAGANA = /^\p{Script=Hiragana}/u;
const NO_BREAK_BEFORE = /^[、。，．・：；！？）」』】〕〉》〙〗｝］ー…‥ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々ゝゞヽヾ〜～％,.!?:;)\]}]/u;
const NO_BREAK_AFTER = /[（「『【〔〈《〘〖｛［([{¥$€£＄￥]$/u;
const SPACELESS = /[\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
const LETTER = /\p{L}/u;

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
// ICU picks its dictionary by script, so one segmenter serves Thai and Japanese alike.
const words = new Intl.Segmenter(undefined, { granularity: 'word' });

/**
 * Splits `text` into pieces that may end a line: joined they give `text`
 * back; a line may break after any piece. A piece keeps the spaces that
 * follow it, so a line is its pieces joined and trimmed at the end.
 */
export function breakPieces(text: string): string[] {
  const clusters = [...graphemes.segment(text)].map((s) => s.segment);
  const wordStarts = SPACELESS.test(text) || CJ.test(text) ? new Set([...words.segment(text)].map((s) => s.index)) : new Set<number>();
  const pieces: string[] = [];
  let current = '';
  let offset = 0;
  for (let k = 0; k < clusters.length; k++) {
    const before = clusters[k];
    current += before;
    offset += before.length;
    const after = clusters[k + 1];
    if (after === undefined) break;
    if (mayBreak(clusters[k - 1], before, after, wordStarts.has(offset))) {
      pieces.push(current);
      current = '';
    }
  }
  if (current) pieces.push(current);
  return pieces;
}

function mayBreak(beforeThat: string | undefined, before: string, after: string, wordStart: boolean): boolean {
  if (SPACE.test(after)) return false;
  if (SPACE.test(before)) return true;
  if (before === '-') return beforeThat !== undefined && LETTER.test(beforeThat) && LETTER.test(after);
  if (CJ.test(before) && CJ.test(after)) {
    if (NO_BREAK_BEFORE.test(after) || NO_BREAK_AFTER.test(before)) return false;
    if (SENTENCE_PUNCTUATION.test(before)) return true;
    return wordStart && !HIRAGANA.test(after);
  }
  return wordStart && SPACELESS.test(before) && SPACELESS.test(after);
}
