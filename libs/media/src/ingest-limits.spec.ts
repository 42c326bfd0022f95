import { DomainError } from '@shotmatrix/domain';
import { checkFileSize, checkIngestLimits, DEFAULT_INGEST_LIMITS, type IngestLimits, type ProbedMaster } from './ingest-limits';

const hd: ProbedMaster = { durationS: 30, width: 1920, height: 1080, codec: 'h264', sizeBytes: 50 * 1024 ** 2 };
const limits: IngestLimits = { ...DEFAULT_INGEST_LIMITS, videoCodecs: [...DEFAULT_INGEST_LIMITS.videoCodecs] };

function failure(fn: () => void): DomainError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a DomainError, nothing was thrown');
}

describe('DEFAULT_INGEST_LIMITS', () => {
  it('are the documented ones', () => {
    expect(DEFAULT_INGEST_LIMITS).toMatchObject({ maxDurationS: 120, maxWidth: 4096, maxHeight: 2160, maxBytes: 2 * 1024 ** 3 });
    expect(DEFAULT_INGEST_LIMITS.videoCodecs).toEqual(expect.arrayContaining(['h264', 'hevc', 'prores', 'dnxhd', 'vp9', 'av1']));
  });
});

describe('checkIngestLimits', () => {
  it.each<[string, Partial<ProbedMaster>]>([
    ['a 1080p H.264 master', {}],
    ['exactly 120 s', { durationS: 120 }],
    ['DCI 4K', { width: 4096, height: 2160 }],
    ['UHD', { width: 3840, height: 2160 }],
    ['portrait UHD (2160×3840)', { width: 2160, height: 3840 }],
    ['portrait DCI 4K', { width: 2160, height: 4096 }],
    ['ProRes', { codec: 'prores' }],
    ['DNxHR', { codec: 'dnxhd' }],
    ['exactly 2 GiB', { sizeBytes: 2 * 1024 ** 3 }],
    ['a 2 GB upload', { sizeBytes: 2e9 }],
  ])('accepts %s', (_name, probe) => {
    expect(() => checkIngestLimits({ ...hd, ...probe }, limits, 'master.mp4')).not.toThrow();
  });

  it.each<[string, Partial<ProbedMaster>, Partial<IngestLimits>, string, string, string]>([
    ['too long', { durationS: 184.2 }, {}, 'VIDEO_TOO_LONG', 'too-large', 'master.mp4 is 184.2 s long; masters may be at most 120 s'],
    ['a hair too long', { durationS: 120.04 }, {}, 'VIDEO_TOO_LONG', 'too-large', 'master.mp4 is 120.04 s long; masters may be at most 120 s'],
    ['too long for a custom limit', { durationS: 31 }, { maxDurationS: 30 }, 'VIDEO_TOO_LONG', 'too-large', 'master.mp4 is 31 s long; masters may be at most 30 s'],
    ['8K', { width: 8192, height: 4320 }, {}, 'VIDEO_TOO_LARGE', 'too-large', 'master.mp4 is 8192×4320; masters may be at most 4096×2160 (2160×4096 in portrait)'],
    ['too wide', { width: 5120, height: 1080 }, {}, 'VIDEO_TOO_LARGE', 'too-large', 'master.mp4 is 5120×1080'],
    ['a square frame taller than 2160', { width: 2400, height: 2400 }, {}, 'VIDEO_TOO_LARGE', 'too-large', 'master.mp4 is 2400×2400'],
    ['portrait 8K', { width: 4320, height: 7680 }, {}, 'VIDEO_TOO_LARGE', 'too-large', 'master.mp4 is 4320×7680'],
    ['an unknown codec', { codec: 'msmpeg4v3' }, {}, 'VIDEO_CODEC_UNSUPPORTED', 'unsupported-media', 'master.mp4 uses the codec "msmpeg4v3", which Shotmatrix does not accept (accepted: H.264, HEVC, AV1, VP9'],
    ['a codec left out by config', { codec: 'vp9' }, { videoCodecs: ['h264', 'prores'] }, 'VIDEO_CODEC_UNSUPPORTED', 'unsupported-media', '(accepted: H.264, ProRes)'],
    ['a file over 2 GiB', { sizeBytes: 2.5 * 1024 ** 3 }, {}, 'FILE_TOO_LARGE', 'too-large', 'master.mp4 is 2.5 GiB; masters may be at most 2 GiB'],
    ['a file over a custom limit', { sizeBytes: 300 * 1024 ** 2 }, { maxBytes: 256 * 1024 ** 2 }, 'FILE_TOO_LARGE', 'too-large', 'master.mp4 is 300 MiB; masters may be at most 256 MiB'],
  ])('refuses %s', (_name, probe, custom, code, kind, message) => {
    const err = failure(() => checkIngestLimits({ ...hd, ...probe }, { ...limits, ...custom }, 'master.mp4'));
    expect(err).toMatchObject({ code, kind });
    expect(err.message).toContain(message);
  });

  it('says what is wrong with the size before the codec, and the file size first of all', () => {
    const everything: ProbedMaster = { durationS: 500, width: 8192, height: 4320, codec: 'xyz', sizeBytes: 3 * 1024 ** 3 };
    expect(failure(() => checkIngestLimits(everything, limits, 'm.mov')).code).toBe('FILE_TOO_LARGE');
    expect(failure(() => checkIngestLimits({ ...everything, sizeBytes: 1 }, limits, 'm.mov')).code).toBe('VIDEO_TOO_LONG');
    expect(failure(() => checkIngestLimits({ ...everything, sizeBytes: 1, durationS: 1 }, limits, 'm.mov')).code).toBe('VIDEO_TOO_LARGE');
  });
});

describe('checkFileSize', () => {
  it('refuses before anything is probed', () => {
    expect(() => checkFileSize(2 * 1024 ** 3 + 1, limits, 'big.mov')).toThrow('big.mov is 2147483649 bytes; masters may be at most 2147483648 bytes');
    expect(() => checkFileSize(2 * 1024 ** 3, limits, 'big.mov')).not.toThrow();
  });
});
