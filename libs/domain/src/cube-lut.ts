import { DomainError } from './errors';

export interface CubeLutInfo {
  title: string | null;
  /** Edge length: the file holds size³ RGB triples. */
  size: number;
}

/** Largest cube accepted: 129³ is already 2.1 M entries, more than any grade needs. */
export const MAX_CUBE_SIZE = 129;

/**
 * Checks an Adobe/Resolve `.cube` 3D LUT the way ffmpeg's lut3d will read it,
 * so a broken grade is refused at upload with the line that is wrong rather
 * than failing every render of the market later.
 */
export function checkCubeLut(text: string, filename = 'the LUT'): CubeLutInfo {
  const bad = (line: number, why: string) => new DomainError('LUT_INVALID', `${filename}, line ${line}: ${why}`);
  let size: number | null = null;
  let title: string | null = null;
  let rows = 0;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line || line.startsWith('#')) continue;
    const [word, ...rest] = line.split(/\s+/);
    if (/^[A-Z_0-9]+$/.test(word) && !/^[-+.\d]/.test(word)) {
      if (rows) throw bad(i + 1, `keyword ${word} after the table started`);
      if (word === 'TITLE') title = line.slice(5).trim().replace(/^"|"$/g, '');
      else if (word === 'LUT_3D_SIZE') {
        const n = Number(rest[0]);
        if (!Number.isInteger(n) || n < 2 || n > MAX_CUBE_SIZE) throw bad(i + 1, `LUT_3D_SIZE must be a whole number from 2 to ${MAX_CUBE_SIZE}, got ${rest[0]}`);
        size = n;
      } else if (word === 'LUT_1D_SIZE') throw bad(i + 1, '1D LUTs are not supported; export a 3D LUT (LUT_3D_SIZE)');
      else if (word === 'DOMAIN_MIN' || word === 'DOMAIN_MAX' || word === 'LUT_3D_INPUT_RANGE') {
        if (rest.length < 2 || rest.some((v) => !Number.isFinite(Number(v)))) throw bad(i + 1, `${word} needs numbers`);
      } else throw bad(i + 1, `unknown keyword ${word}`);
      continue;
    }
    if (size === null) throw bad(i + 1, 'table before LUT_3D_SIZE');
    const v = line.split(/\s+/).map(Number);
    if (v.length !== 3 || v.some((x) => !Number.isFinite(x))) throw bad(i + 1, `expected three numbers (R G B), got "${line.slice(0, 40)}"`);
    rows += 1;
  }
  if (size === null) throw new DomainError('LUT_INVALID', `${filename}: no LUT_3D_SIZE; is this a 3D .cube LUT?`);
  if (rows !== size ** 3) throw new DomainError('LUT_INVALID', `${filename}: LUT_3D_SIZE ${size} needs ${size ** 3} rows, the file has ${rows}`);
  return { title, size };
}

/**
 * A LUT applied at `amount` is itself a LUT: each entry moved that share of
 * the way from identity to the grade. Writing it once lets a renderer apply a
 * partial grade in one lookup instead of grading and blending every frame.
 * Expects a file checkCubeLut accepts (default 0…1 domain, red fastest).
 */
export function mixCubeLut(text: string, amount: number): string {
  const a = Math.min(1, Math.max(0, amount));
  const { size } = checkCubeLut(text);
  const out: string[] = [`# ${Math.round(a * 1000) / 10} % of the grade, mixed with identity`, `LUT_3D_SIZE ${size}`];
  let i = 0;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!/^[-+.\d]/.test(line)) continue;
    const [r, g, b] = line.split(/\s+/).map(Number);
    const id = [i % size, Math.floor(i / size) % size, Math.floor(i / (size * size))].map((v) => v / (size - 1));
    out.push([r, g, b].map((v, c) => (id[c] + a * (v - id[c])).toFixed(6)).join(' '));
    i += 1;
  }
  return `${out.join('\n')}\n`;
}
