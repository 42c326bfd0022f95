import { legalLineCheck, safeAreaCheck } from './layout-checks';

const hd = { width: 1920, height: 1080 };

describe('safeAreaCheck', () => {
  it('passes overlays inside title-safe and names the ones outside', () => {
    expect(safeAreaCheck(hd, [{ name: 'label', x: 96, y: 700, width: 768, height: 250 }]).status).toBe('pass');
    const c = safeAreaCheck(hd, [
      { name: 'label', x: 96, y: 700, width: 768, height: 250 },
      { name: 'super super-tagline', x: 20, y: 10, width: 600, height: 80 },
    ]);
    expect(c).toMatchObject({ status: 'fail', detail: expect.stringMatching(/^super super-tagline \(600×80 at 20,10\) outside the title-safe 1728×972/) });
  });
  it('has nothing to check without overlays', () => expect(safeAreaCheck(hd, []).status).toBe('not-checked'));
});

describe('legalLineCheck', () => {
  it.each([
    [[{ from: 0, to: 74 }], 25, 3, 'pass'],
    [[{ from: 0, to: 73 }], 25, 3, 'fail'],
    [[{ from: 0, to: 24 }, { from: 50, to: 99 }], 25, 3, 'pass'],
    [[], 25, 2, 'fail'],
    [[], 25, 0, 'not-checked'],
    [[{ from: 0, to: 9 }], 25, 0, 'pass'],
  ])('%j at %s fps against %s s → %s', (frames, fps, min, status) => expect(legalLineCheck(frames, fps, min).status).toBe(status));
});
