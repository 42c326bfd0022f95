import { analysisLabel, spriteTile } from './sprite';

const layout = { columns: 10, rows: 10, tileWidth: 160, tileHeight: 90, intervalS: 0.08 };

describe('spriteTile', () => {
  it.each([
    [0, { index: 0, position: '0% 0%' }],
    [0.999, { index: 99, position: '100% 100%' }],
    [0.555, { index: 55, position: '55.55555555555556% 55.55555555555556%' }],
    [1.5, { index: 99 }],
    [-1, { index: 0 }],
  ])('at %s', (fraction, expected) => {
    expect(spriteTile(fraction, layout)).toMatchObject({ ...expected, size: '1000% 1000%' });
  });

  it('gives the time of the tile', () => {
    expect(spriteTile(0.5, layout).timeS).toBeCloseTo(4);
  });
});

describe('analysisLabel', () => {
  const idle = {
    stage: null,
    progress: null,
    frameCount: null,
    fps: null,
    width: null,
    height: null,
    mattingMode: null,
    executionProvider: null,
    matteKeyframes: null,
    matteStride: null,
    cameraMotionUrl: null,
    cameraMotionMeasured: null,
    colourStatsUrl: null,
    planes: [],
  };

  it('says what the analysis is doing, and why it failed', () => {
    expect(analysisLabel(null)).toBe('not analysed yet');
    expect(analysisLabel({ ...idle, status: 'failed', error: 'corrupt', proxyUrl: null, spriteUrl: null, sprite: null })).toBe(
      'analysis failed: corrupt',
    );
    expect(analysisLabel({ ...idle, status: 'done', error: null, proxyUrl: 'p', spriteUrl: 's', sprite: layout })).toBe('analysed');
    expect(analysisLabel({ ...idle, status: 'running', stage: 'mattes', progress: 0.416, error: null, proxyUrl: null, spriteUrl: null, sprite: null })).toBe(
      'analysing: mattes 42 %',
    );
  });
});
