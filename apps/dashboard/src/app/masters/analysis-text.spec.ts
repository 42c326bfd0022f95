import type { AnalysisView, MasterShotView } from '@shotmatrix/contracts';
import { cameraMotionSummary, mattingSummary, planeStatusText, progressPercent, shotGeometry, statusLine } from './analysis-text';

const analysis = (over: Partial<AnalysisView> = {}): AnalysisView => ({
  status: 'done',
  error: null,
  proxyUrl: null,
  spriteUrl: null,
  sprite: null,
  stage: null,
  progress: null,
  frameCount: 120,
  fps: 25,
  width: 1920,
  height: 1080,
  mattingMode: 'isnet',
  executionProvider: 'cpu',
  matteKeyframes: [0, 8, 16],
  matteStride: 8,
  cameraMotionUrl: null,
  cameraMotionMeasured: null,
  colourStatsUrl: null,
  planes: [],
  ...over,
});

describe('mattingSummary', () => {
  it('names the model, the device, k and the keyframes', () => {
    expect(mattingSummary(analysis())).toBe('IS-Net on CPU, k=8, 3 keyframes');
    expect(mattingSummary(analysis({ executionProvider: 'cuda', matteKeyframes: [0] }))).toBe('IS-Net on GPU (CUDA), k=8, 1 keyframe');
    expect(mattingSummary(analysis({ mattingMode: 'chroma', executionProvider: null }))).toBe('chroma key');
    expect(mattingSummary(analysis({ mattingMode: null }))).toBeNull();
    expect(mattingSummary(null)).toBeNull();
  });
});

describe('cameraMotionSummary', () => {
  it('says when the background gave nothing to follow rather than claiming a measurement', () => {
    expect(cameraMotionSummary(analysis())).toBe('—');
    expect(cameraMotionSummary(analysis({ cameraMotionUrl: '/m.json', cameraMotionMeasured: 0.934 }))).toBe('measured on 93% of frames');
    expect(cameraMotionSummary(analysis({ cameraMotionUrl: '/m.json', cameraMotionMeasured: 0 }))).toMatch(/^not measurable/);
  });
});

describe('statusLine', () => {
  it('says the stage and progress while running', () => {
    expect(statusLine(analysis({ status: 'running', stage: 'mattes', progress: 0.423 }))).toBe('Analysing · mattes · 42%');
    expect(statusLine(analysis({ status: 'running', stage: null, progress: null }))).toBe('Analysing');
    expect(statusLine(analysis({ status: 'queued' }))).toBe('Queued for analysis');
    expect(statusLine(analysis())).toBe('Analysed');
    expect(statusLine(analysis({ status: 'failed', error: 'x' }))).toBe('Analysis failed');
    expect(statusLine(null)).toBe('Not analysed yet');
  });

  it('keeps percentages in range', () => {
    expect(progressPercent(1.4)).toBe(100);
    expect(progressPercent(-1)).toBe(0);
    expect(progressPercent(null)).toBe(0);
  });
});

describe('planeStatusText', () => {
  it('tells waiting for the analysis apart from waiting for a tracker', () => {
    const p = { plane: 'front', status: 'queued' as const, error: null, trackUrl: null };
    expect(planeStatusText(p, analysis())).toBe('queued for tracking');
    expect(planeStatusText(p, analysis({ status: 'running' }))).toBe('waits for the analysis');
    expect(planeStatusText({ ...p, status: 'failed', error: 'lost at frame 40' }, analysis())).toBe('tracking failed — lost at frame 40');
    expect(planeStatusText(undefined, analysis())).toBe('not tracked');
  });
});

describe('shotGeometry', () => {
  const master: MasterShotView = {
    id: 'm',
    filename: 'a.mov',
    width: 1920,
    height: 1080,
    fps: 29.97,
    frameCount: 299,
    durationS: 10,
    hasAudio: false,
    url: '/x',
    thumbnailUrl: null,
    analysis: null,
  };

  it('uses the analysed mezzanine once there is one', () => {
    expect(shotGeometry(master)).toEqual({ width: 1920, height: 1080, fps: 29.97, frameCount: 299 });
    expect(shotGeometry({ ...master, analysis: analysis({ fps: 30000 / 1001, frameCount: 300 }) })).toEqual({
      width: 1920,
      height: 1080,
      fps: 30000 / 1001,
      frameCount: 300,
    });
  });
});
