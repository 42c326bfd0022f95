import type { BackgroundInput, LabelInput, MarketInput, MatrixInput } from '@shotmatrix/contracts';
import { DomainError } from './errors';

export type CopyFields = Record<string, string | number>;

/** One cell of the matrix with its parameters resolved. */
export interface MatrixCell {
  market: MarketInput;
  label: LabelInput;
  background: BackgroundInput;
  /** Label fields: the market's copy deck, overridden by the label's own fields. */
  fields: CopyFields;
}

/** Semantic checks a schema cannot express; throws the first problem found, naming it. */
export function assertMatrixConsistent(matrix: MatrixInput): void {
  const dims: Array<[string, Array<{ code: string }>]> = [
    ['market', matrix.markets],
    ['label', matrix.labels],
    ['background', matrix.backgrounds],
  ];
  for (const [dim, values] of dims) {
    const seen = new Set<string>();
    for (const v of values) {
      if (seen.has(v.code)) throw new DomainError('MATRIX_DUPLICATE_CODE', `${dim} code "${v.code}" appears twice`);
      seen.add(v.code);
    }
  }
  const markets = new Set(matrix.markets.map((m) => m.code));
  for (const label of matrix.labels) {
    for (const code of label.markets ?? []) {
      if (!markets.has(code)) {
        throw new DomainError('MATRIX_UNKNOWN_MARKET', `label "${label.code}" names market "${code}", which is not in the matrix`);
      }
    }
  }
}

/**
 * Every cell of markets × labels × backgrounds, in a stable order (market,
 * then label, then background), skipping labels limited to other markets.
 */
export function expandMatrix(matrix: MatrixInput): MatrixCell[] {
  assertMatrixConsistent(matrix);
  const cells: MatrixCell[] = [];
  for (const market of matrix.markets) {
    for (const label of matrix.labels) {
      if (label.markets && !label.markets.includes(market.code)) continue;
      for (const background of matrix.backgrounds) {
        cells.push({ market, label, background, fields: { ...market.copy, ...label.fields } });
      }
    }
  }
  return cells;
}

export const cellId = (c: Pick<MatrixCell, 'market' | 'label' | 'background'>) =>
  `${c.market.code}/${c.label.code}/${c.background.code}`;
