/**
 * Rough advance width of a line in em, enough to pick a font size that keeps
 * copy inside its box without measuring glyphs: CJK and other full-width
 * characters take about 1 em in Noto, Latin about half. Behind the
 * `fitFontSize` Handlebars helper, kept for templates that use it; shipped
 * templates let the renderer measure the shaped text instead (`data-fit-*`
 * on `<text>`, see templates/README.md), which is exact for every script.
 */
export function estimateAdvanceEm(text: string): number {
  let em = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (isWide(cp)) em += 1;
    else if (ch === ' ') em += 0.26;
    else if (/[.,:;'!|il1]/.test(ch)) em += 0.3;
    else if (/[A-Z0-9€$£¥%@#&MW]/.test(ch)) em += 0.64;
    else if (cp >= 0x0600 && cp <= 0x06ff) em += 0.5;
    else em += 0.55;
  }
  return em;
}

function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

/** The largest size from `min` to `max` at which `text` fits `width`; `min` when nothing fits. */
export function fitFontSize(text: string, opts: { width: number; max: number; min: number }): number {
  const em = estimateAdvanceEm(text);
  const size = em > 0 ? opts.width / em : opts.max;
  return Math.round(Math.min(opts.max, Math.max(opts.min, size)) * 10) / 10;
}
