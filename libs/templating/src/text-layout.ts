import { DomainError } from '@shotmatrix/domain';
import { breakPieces } from './line-breaks';
import { paragraphDirection } from './text-direction';

/** Which way a block of several lines grows from its `y`: the first baseline stays, the last one does, or the middle does. */
export type LineGrowth = 'down' | 'up' | 'both';

/** One `<text>` as the template lays it out, in SVG user units. */
export interface TextBox {
  x: number;
  y: number;
  /** Hard lines: template `<tspan>`s and line breaks in the copy, never more than `maxLines`. */
  paragraphs: string[];
  /** The declared size: the largest the text is set at. */
  fontSize: number;
  /**
   * Set the copy at the largest size from `minSize` up to `fontSize` at which
   * every line is at most `width` wide, in at most `maxLines` lines and, when
   * `height` is given, with the block (one em per line plus the gaps between
   * baselines) at most `height` tall. Without a height, wrapping wins over
   * shrinking; with one, whichever allows the larger size.
   */
  fit?: { width: number; minSize: number; height?: number };
  maxLines: number;
  /** Baseline to baseline, in em of the size finally used. */
  lineHeight: number;
  grow: LineGrowth;
}

export interface PlacedLine {
  text: string;
  x: number;
  baseline: number;
  direction: 'ltr' | 'rtl';
}

export interface TextPlacement {
  fontSize: number;
  lines: PlacedLine[];
}

/** Advance width of `text` set at `fontSize`, in user units: the shaper's answer, not an estimate. */
export type Measure = (text: string, fontSize: number) => number;

// Middle of a line of capitals above the baseline, in em (Noto Sans: cap height 0.714): what
// `grow: both` keeps in place when the text shrinks or wraps, so copy stays optically centred.
const CAP_MIDDLE_EM = 0.357;

/**
 * Picks the font size and line breaks for a text box and places its lines.
 * Widths are measured once at the declared size and scaled (advances are
 * linear in the size up to hinting), then the chosen lines are measured again
 * at the final size and the size nudged down if hinting made one overflow.
 * Several wrapped lines are balanced, so a headline does not end in a widow.
 */
export function layoutText(box: TextBox, measure: Measure): TextPlacement {
  const paragraphs = [...box.paragraphs];
  while (paragraphs.length && paragraphs[paragraphs.length - 1] === '') paragraphs.pop();
  if (!paragraphs.length) return { fontSize: box.fontSize, lines: [] };
  if (!box.fit) return place(box, box.fontSize, paragraphs.map((p) => [p]));

  const { width, minSize, height } = box.fit;
  const atDeclared = new Map<string, number>();
  const estimate = (text: string, size: number) => {
    let w = atDeclared.get(text);
    if (w === undefined) atDeclared.set(text, (w = measure(text, box.fontSize)));
    return (w * size) / box.fontSize;
  };
  const pieces = paragraphs.map(breakPieces);
  const wrapAll = (size: number) => pieces.map((p) => wrap(p, width, (t) => estimate(t, size)));
  const fits = (lines: string[][], size: number) => {
    const count = lines.reduce((n, p) => n + p.length, 0);
    if (count > box.maxLines) return false;
    if (height !== undefined && (count - 1) * box.lineHeight * size + size > height) return false;
    return lines.every((p) => p.every((l) => estimate(l, size) <= width));
  };
  const fitsAt = (size: number) => fits(wrapAll(size), size);

  let size = box.fontSize;
  if (!fitsAt(size)) {
    if (!fitsAt(minSize)) throw doesNotFit(box, paragraphs);
    // The largest size in tenths of a unit that fits (fitting only gets easier as the size drops).
    size = minSize;
    let lo = Math.ceil(minSize * 10 - 1e-9);
    let hi = Math.floor(box.fontSize * 10 + 1e-9);
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (fitsAt(mid / 10)) {
        size = mid / 10; // each fitting mid is above the last: lo moved past it
        lo = mid + 1;
      } else hi = mid - 1;
    }
  }

  // Hinting can make the real advance a hair wider than the scaled one.
  let lines = wrapAll(size);
  for (let tries = 0; tries < 4; tries++) {
    const widest = Math.max(...lines.flat().map((l) => measure(l, size)));
    if (widest <= width || size <= minSize) break;
    size = Math.max(minSize, Math.floor((size * width * 10) / widest) / 10);
    lines = wrapAll(size);
  }
  lines = lines.map((p, i) => (p.length > 1 ? balance(pieces[i], p.length, width, (t) => estimate(t, size)) : p));
  return place(box, size, lines);
}

/** Greedy line filling: as many pieces on a line as fit `width`; a piece wider than `width` gets a line of its own. */
export function wrap(pieces: string[], width: number, advance: (text: string) => number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const piece of pieces) {
    const candidate = line + piece;
    if (line !== '' && advance(candidate.trimEnd()) > width) {
      lines.push(line.trimEnd());
      line = piece;
    } else line = candidate;
  }
  if (line.trim() !== '' || lines.length === 0) lines.push(line.trimEnd());
  return lines;
}

/** The narrowest width that still wraps into `count` lines, so lines come out of similar length. */
function balance(pieces: string[], count: number, width: number, advance: (text: string) => number): string[] {
  let lo = Math.max(...pieces.map((p) => advance(p.trimEnd())));
  let hi = width;
  while (hi - lo > 0.5) {
    const mid = (lo + hi) / 2;
    if (wrap(pieces, mid, advance).length <= count) hi = mid;
    else lo = mid;
  }
  return wrap(pieces, hi, advance);
}

function place(box: TextBox, size: number, paragraphs: string[][]): TextPlacement {
  const step = box.lineHeight * size;
  const lines = paragraphs.flatMap((p) => {
    const direction = paragraphDirection(p.join(' '));
    return p.map((text) => ({ text, direction }));
  });
  const extra = (lines.length - 1) * step;
  const first =
    box.grow === 'down'
      ? box.y
      : box.grow === 'up'
        ? box.y - extra
        : box.y - CAP_MIDDLE_EM * box.fontSize + CAP_MIDDLE_EM * size - extra / 2;
  return {
    fontSize: size,
    lines: lines.map((l, i) => ({ ...l, x: box.x, baseline: round(first + i * step) })),
  };
}

const round = (v: number) => Math.round(v * 1000) / 1000;

function doesNotFit(box: TextBox, paragraphs: string[]): DomainError {
  const copy = paragraphs.join(' ');
  const preview = [...copy].length > 40 ? `${[...copy].slice(0, 39).join('')}…` : copy;
  const lines = box.maxLines === 1 ? 'one line' : `${box.maxLines} lines`;
  const area = box.fit?.height ? `${box.fit.width}×${box.fit.height}-unit` : `${box.fit?.width}-unit wide`;
  return new DomainError(
    'TEMPLATE_COPY_DOES_NOT_FIT',
    `"${preview}" does not fit its ${area} box in ${lines}, even at the smallest size the template allows (${box.fit?.minSize}); shorten the copy`,
    'invalid',
  );
}
