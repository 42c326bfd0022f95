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
  it('reads timed overlays, defaulting the role and the marks', () =>
    expect(compositeSettings({ supers: [{ template: 'super-tagline', from: 'intro' }, { template: 'legal-line', role: 'legal' }], legalMinSeconds: 2 })).toMatchObject({
      supers: [
        { template: 'super-tagline', role: 'super', from: 'intro', to: null },
        { template: 'legal-line', role: 'legal', from: null, to: null },
      ],
      legalMinSeconds: 2,
    }));
  it('reads effect layers with their marks and opacity', () =>
    expect(compositeSettings({ effects: [{ plate: 'AAAAAAAA-0000-4000-8000-000000000001', to: 'tagline-off', opacity: 0.6 }] }).effects).toEqual([
      { plate: 'aaaaaaaa-0000-4000-8000-000000000001', from: null, to: 'tagline-off', opacity: 0.6 },
    ]));
  it('adds a playable draft when only delivery formats are asked for', () =>
    expect(compositeSettings({ outputs: ['prores', 'exr'] }).outputs).toEqual(['draft', 'prores', 'exr']));
  it.each([
    [{ feather: 80 }, 'params.feather: expected a number from 0 to 50, got 80'],
    [{ gradeFrame: '0.5' }, 'params.gradeFrame: expected a number from 0 to 1, got "0.5"'],
    [{ outputs: ['mov'] }, 'params.outputs: expected a list of distinct draft, master, prores, hdr10, exr, got ["mov"]'],
    [{ outputs: [] }, 'params.outputs'],
    [{ labelPlane: 'Front Label' }, 'params.labelPlane: expected the name of a label plane'],
    [{ supers: 'tagline' }, 'params.supers: expected a list'],
    [{ supers: [{ template: 'super-tagline', role: 'banner' }] }, 'params.supers[0].role: must be one of super, legal, endcard'],
    [{ supers: [{ template: 'super-tagline', from: 'Intro!' }] }, 'params.supers[0].from: must name a timing mark'],
    [{ supers: [{ template: 'super-tagline', colour: 'red' }] }, 'params.supers[0]: unknown key colour'],
    [{ legalMinSeconds: 90 }, 'params.legalMinSeconds: expected a number from 0 to 60'],
    [{ effects: { plate: 'x' } }, 'params.effects: expected a list of { plate, from, to, opacity }'],
    [{ effects: [{ plate: 'haze.png' }] }, `params.effects[0].plate: expected the id of an image uploaded to this campaign's plates, got "haze.png"`],
    [{ effects: [{ plate: 'aaaaaaaa-0000-4000-8000-000000000001', opacity: 0 }] }, 'params.effects[0].opacity: expected a number above 0 and up to 1, got 0'],
    [{ effects: [{ plate: 'aaaaaaaa-0000-4000-8000-000000000001', blend: 'screen' }] }, 'params.effects[0]: unknown key blend'],
    [{ effects: Array.from({ length: 5 }, () => ({ plate: 'aaaaaaaa-0000-4000-8000-000000000001' })) }, 'params.effects: at most 4 effect layers'],
  ])('%j is refused with the key named', (p, msg) => expect(() => compositeSettings(p)).toThrow(msg));
});
