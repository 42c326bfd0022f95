import { matrixSchema, validate, type MatrixInput, type Validated } from '@shotmatrix/contracts';
import { parseCsv } from './csv';

/** A cell holding only this clears the field; an empty cell leaves it as it was. */
export const CLEAR_MARK = '-';

/**
 * Applies a copy deck kept in a spreadsheet to the matrix's markets: a
 * `market` column with market codes, and one column per copy field
 * (headline, tagline, legal, price, or any field a template uses). Returns a
 * new matrix; every problem names its row and column.
 */
export function parseCopyDeckCsv(text: string, matrix: MatrixInput): Validated<MatrixInput> {
  const parsed = parseCsv(text);
  if ('error' in parsed) return { ok: false, problems: [parsed.error] };
  const [header, ...rows] = parsed.rows;
  if (!header) return { ok: false, problems: ['the copy deck is empty: it needs a header row with a "market" column'] };
  const columns = header.map((h) => h.trim());
  const marketCol = columns.indexOf('market');
  if (marketCol < 0) return { ok: false, problems: ['the header row has no "market" column'] };
  const dup = columns.find((c, i) => c && columns.indexOf(c) !== i);
  if (dup) return { ok: false, problems: [`the header row names column "${dup}" twice`] };

  const markets = matrix.markets.map((m) => ({ ...m, copy: { ...m.copy } }));
  const byCode = new Map(markets.map((m) => [m.code, m]));
  const problems: string[] = [];
  const seen = new Set<string>();
  rows.forEach((cells, r) => {
    const rowNo = r + 2;
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
      } else copy[field] = raw;
    });
  });
  if (problems.length) return { ok: false, problems };
  const result = validate(matrixSchema, { ...matrix, markets });
  if (!result.ok) return result;
  return result;
}
