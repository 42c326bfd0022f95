/**
 * RFC 4180 CSV as spreadsheets write it: quoted fields with embedded commas,
 * quotes ("") and newlines, CRLF or LF line ends, an optional UTF-8 BOM.
 * Returns one row per record, blank lines included (as `['']`) so row numbers
 * match the spreadsheet's; the line end after the last record is not a row.
 */
export function parseCsv(text: string): { rows: string[][] } | { error: string } {
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let quoteLine = 1;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (quoted) {
      if (ch === '"') {
        if (s[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        cell += ch;
      }
    } else if (ch === '"') {
      if (cell !== '') return { error: `line ${line}: a quote in the middle of an unquoted field` };
      quoted = true;
      quoteLine = line;
    } else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && s[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      line++;
    } else cell += ch;
  }
  if (quoted) return { error: `line ${quoteLine}: a quoted field opened here is never closed` };
  if (cell !== '' || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return { rows };
}
