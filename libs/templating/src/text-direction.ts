/**
 * Scripts written right to left. A letter from one of them, when it is the
 * first letter of a paragraph, makes the paragraph right-to-left (Unicode's
 * rule P2, with letters standing for the strong characters).
 */
const RTL_LETTER = /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Adlam}\p{Script=Samaritan}\p{Script=Mandaic}\p{Script=Hanifi_Rohingya}]/u;
const LETTER = /\p{L}/u;

/** The paragraph direction of `text`: from its first letter; left-to-right when it has none. */
export function paragraphDirection(text: string): 'ltr' | 'rtl' {
  for (const ch of text) {
    if (LETTER.test(ch)) return RTL_LETTER.test(ch) ? 'rtl' : 'ltr';
  }
  return 'ltr';
}
