import { parseCsv } from './csv';

describe('parseCsv', () => {
  it.each<[string, string, string[][]]>([
    ['plain rows', 'a,b\n1,2\n', [['a', 'b'], ['1', '2']]],
    ['CRLF and no trailing newline', 'a,b\r\n1,2', [['a', 'b'], ['1', '2']]],
    ['quoted commas, quotes and newlines', 'a,b\n"x, y","say ""hi""\nthere"\n', [['a', 'b'], ['x, y', 'say "hi"\nthere']]],
    ['an Excel BOM', '\ufeffmarket,price\nde,1.99\n', [['market', 'price'], ['de', '1.99']]],
    ['empty cells', 'a,b,c\n,,\n', [['a', 'b', 'c'], ['', '', '']]],
    ['blank lines, kept so row numbers match', 'a\n\nb\n', [['a'], [''], ['b']]],
    ['an empty text', '', []],
    ['a quoted empty field and an empty last field', '"",x,\n', [['', 'x', '']]],
    ['a quoted field over CRLF lines', 'a\r\n"1\r\n2"\r\n', [['a'], ['1\r\n2']]],
  ])('%s', (_what, text, rows) => {
    expect(parseCsv(text)).toEqual({ rows });
  });

  it.each([
    ['a\n1,"b\n\n', 'line 2: a quoted field opened here is never closed'],
    ['a,b"c"\n', 'line 1: a quote in the middle of an unquoted field'],
  ])('reports %j', (text, error) => {
    expect(parseCsv(text)).toEqual({ error });
  });
});
