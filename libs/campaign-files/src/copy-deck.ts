import { matrixSchema, validate, type MatrixInput, type Validated } from '@shotmatrix/contracts';
import { parseCsv } from './csv';

/** A cell holding only this clears the field; an empty cell leaves it as it was. */
export const CLEAR_MARK = '-';

/**
 * Applies a copy deck kept in a spreadsheet to the matrix's markets: a header
 * row with a `market` column (market codes) and one column per copy field
 * (headline, tagline, legal, price, or any field a template uses).
 *
 * - an empty cell leaves the field as it is, so a deck may cover some fields
 *   of some markets; a cell holding only `-` removes the field;
 * - cells are trimmed; `price` must be a plain decimal number (`1.99`);
 * - markets the deck does not mention keep their copy; rows with every cell
 *   empty are skipped;
 * - row numbers count the header as row 1, as a spreadsheet shows them.
 *
 * Returns a new matrix (the input is not touched), validated like any matrix
 * edit; every problem names its row (and market and column where it can).
 */
export function parseCopyDeckCsv(text: string, matrix: MatrixInput): Validated<MatrixInput> {
  const parsed = parseCsv(text);
  if ('error' in parsed) return { ok: false, problems: [parsed.error] };
  const [header, ...rows] = parsed.rows;
  if (!header) return { ok: false, problems: ['the copy deck is empty: it needs a header row with a "market" column'] };
  const columns = header.map((h) => h.trim());
  const marketCol = columns.findIndex((c) => c.toLowerCase() === 'market');
  if (marketCol < 0) return { ok: false, problems: ['the header row has no "market" column'] };
  const dup = columns.find((c, i) => c && columns.indexOf(c) !== i);
  if (dup) return { ok: false, problems: [`the header row names column "${dup}" twice`] };

  const markets = matrix.markets.map((m) => ({ ...m, copy: { ...m.copy } }));
  const byCode = new Map(markets.map((m) => [m.code, m]));
  const problems: string[] = [];
  const seen = new Set<string>();
  rows.forEach((cells, r) => {
    const rowNo = r + 2;
    // Spreadsheets export trailing empty rows as ",,,": they say nothing.
    if (cells.every((c) => c.trim() === '')) return;
    const code = (cells[marketCol] ?? '').trim();
    const market = byCode.get(code);
    if (!market) {
      problems.push(code ? `row ${rowNo}: market "${code}" is not in the matrix` : `row ${rowNo}: the market cell is empty`);
      return;
    }
    if (seen.has(code)) problems.push(`row ${rowNo}: market "${code}" appears twice`);
    seen.add(code);
    if (cells.length > columns.length) problems.push(`row ${rowNo} (market "${code}"): ${cells.length} cells but the header has ${columns.length}`);
    columns.forEach((field, c) => {
      if (c === marketCol || !field) return;
      const raw = cells[c] ?? '';
      const value = raw.trim();
      if (value === '') return;
      const copy = market.copy as Record<string, string | number | undefined>;
      if (value === CLEAR_MARK) {
        delete copy[field];
        return;
      }
      if (field === 'price') {
        const n = /^\d+(\.\d+)?$/.test(value) ? Number(value) : NaN;
        if (Number.isNaN(n)) {
          problems.push(`row ${rowNo} (market "${code}"), column price: expected a number, got ${JSON.stringify(raw)}`);
          return;
        }
        copy.price = n;
      } else copy[field] = value;
    });
  });
  if (problems.length) return { ok: false, problems };
  return validate(matrixSchema, { ...matrix, markets });
}
