import { checkCubeLut, mixCubeLut } from './cube-lut';

const cube = (n: number, rows = n ** 3, head = `TITLE "warm"\nLUT_3D_SIZE ${n}\n`) =>
  head + Array.from({ length: rows }, (_, i) => `${(i % n) / (n - 1)} 0.5 1`).join('\n') + '\n';

describe('checkCubeLut', () => {
  it('reads title and size of a valid cube', () => expect(checkCubeLut(cube(2))).toEqual({ title: 'warm', size: 2 }));
  it('accepts comments, DOMAIN lines and CRLF', () =>
    expect(checkCubeLut(`# made by hand\r\nLUT_3D_SIZE 2\r\nDOMAIN_MIN 0 0 0\r\nDOMAIN_MAX 1 1 1\r\n` + '0 0 0\r\n'.repeat(8)).size).toBe(2));
  it.each([
    [cube(2, 7), 'LUT_3D_SIZE 2 needs 8 rows, the file has 7'],
    ['LUT_1D_SIZE 1024\n', 'line 1: 1D LUTs are not supported'],
    ['LUT_3D_SIZE 500\n', 'LUT_3D_SIZE must be a whole number from 2 to 129, got 500'],
    ['0 0 0\n', 'line 1: table before LUT_3D_SIZE'],
    [cube(2, 8, 'LUT_3D_SIZE 2\n0 0\n'), 'line 2: expected three numbers'],
    ['\x89PNG\r\n', 'line 1'],
    ['', 'no LUT_3D_SIZE'],
  ])('refuses a broken file with its reason (%#)', (text, msg) => expect(() => checkCubeLut(text, 'grade.cube')).toThrow(msg));
  it('accepts the shared real LUTs', () => {
    const fs = require('node:fs') as typeof import('node:fs');
    const path = require('node:path') as typeof import('node:path');
    const dir = path.resolve(__dirname, '../../../../shared/media/luts');
    for (const f of fs.readdirSync(dir)) expect(checkCubeLut(fs.readFileSync(path.join(dir, f), 'utf8'), f).size).toBeGreaterThan(1);
  });
});

describe('mixCubeLut', () => {
  const grade = 'LUT_3D_SIZE 2\n' + ['1 0 0', '1 0 0', '1 0 0', '1 0 0', '1 0 0', '1 0 0', '1 0 0', '1 0 0'].join('\n') + '\n';
  it('is identity at 0 and the grade at 1, red varying fastest', () => {
    const rows = (t: string) => t.split('\n').filter((l) => /^[\d.]/.test(l));
    expect(rows(mixCubeLut(grade, 0))).toEqual(['0.000000 0.000000 0.000000', '1.000000 0.000000 0.000000', '0.000000 1.000000 0.000000', '1.000000 1.000000 0.000000', '0.000000 0.000000 1.000000', '1.000000 0.000000 1.000000', '0.000000 1.000000 1.000000', '1.000000 1.000000 1.000000']);
    expect(rows(mixCubeLut(grade, 1)).every((r) => r === '1.000000 0.000000 0.000000')).toBe(true);
    expect(rows(mixCubeLut(grade, 0.25))[0]).toBe('0.250000 0.000000 0.000000');
    expect(checkCubeLut(mixCubeLut(grade, 0.5)).size).toBe(2);
  });
});
