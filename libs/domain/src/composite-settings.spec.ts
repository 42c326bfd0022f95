import { compositeSettings, DEFAULT_COMPOSITE_SETTINGS } from './composite-settings';

describe('compositeSettings', () => {
  it('defaults every key', () => expect(compositeSettings({})).toEqual(DEFAULT_COMPOSITE_SETTINGS));
  it('takes valid values and ignores unrelated parameters', () => {
    expect(compositeSettings({ choke: 3, lightWrap: 0, outputs: ['master', 'hdr10'], mood: 'sunny', labelPlane: 'front' })).toMatchObject({
      labelPlane: 'front',
      choke: 3,
      lightWrap: 0,
      outputs: ['master', 'hdr10'],
    });
  });
  it('adds a playable draft when only delivery formats are asked for', () =>
    expect(compositeSettings({ outputs: ['prores', 'exr'] }).outputs).toEqual(['draft', 'prores', 'exr']));
  it.each([
    [{ feather: 80 }, 'params.feather: expected a number from 0 to 50, got 80'],
    [{ gradeFrame: '0.5' }, 'params.gradeFrame: expected a number from 0 to 1, got "0.5"'],
    [{ outputs: ['mov'] }, 'params.outputs: expected a list of distinct draft, master, prores, hdr10, exr, got ["mov"]'],
    [{ outputs: [] }, 'params.outputs'],
    [{ labelPlane: 'Front Label' }, 'params.labelPlane: expected the name of a label plane'],
  ])('%j is refused with the key named', (p, msg) => expect(() => compositeSettings(p)).toThrow(msg));
});
