import type { MatrixInput } from '@shotmatrix/contracts';
import { currentCellSettings, settingProblem, withCellSettings } from './cell-override';

const matrix = (overrides?: MatrixInput['overrides']): MatrixInput =>
  ({
    defaults: {},
    markets: [{ code: 'de' }],
    labels: [{ code: 'classic' }],
    backgrounds: [{ code: 'original' }],
    overrides,
  }) as unknown as MatrixInput;
const cell = { market: 'de', label: 'classic', background: 'original' };

describe('cell overrides from the review page', () => {
  it('adds an override for exactly this cell, top-level adherences and compositing params', () => {
    const m = withCellSettings(matrix(), cell, { structureAdherence: 0.8, choke: 3 });
    expect(m.overrides).toEqual([{ match: cell, structureAdherence: 0.8, params: { choke: 3 } }]);
    expect(currentCellSettings(m, cell)).toEqual({ structureAdherence: 0.8, choke: 3 });
  });

  it('merges into the cell’s own override, keeping its copy and other params, and drops cleared keys', () => {
    const m = withCellSettings(
      matrix([
        { match: { market: 'de' }, params: { choke: 9 } },
        { match: cell, copy: { price: 2.49 }, params: { choke: 2, labelPlane: 'front' }, motionAdherence: 0.5 },
      ]),
      cell,
      { feather: 4 },
    );
    expect(m.overrides).toEqual([
      { match: { market: 'de' }, params: { choke: 9 } },
      { match: cell, copy: { price: 2.49 }, params: { labelPlane: 'front', feather: 4 } },
    ]);
  });

  it('does not treat a broader pattern as this cell', () => {
    expect(currentCellSettings(matrix([{ match: { market: 'de' }, params: { choke: 9 } }]), cell)).toEqual({});
  });

  it('checks typed values against each setting’s range', () => {
    expect(settingProblem('choke', '')).toBeNull();
    expect(settingProblem('choke', '25')).toBe('Matte choke (px) must be a number from 0 to 20');
    expect(settingProblem('structureAdherence', 'x')).toMatch(/from 0 to 1/);
    expect(settingProblem('gradeFrame', '0.3')).toBeNull();
  });
});
