import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { DomainError } from '@shotmatrix/domain';
import { DEFAULT_INGEST_LIMITS, type IngestLimits } from './ingest-limits';
import {
  countFrames,
  ffprobeReason,
  interpretVideoProbe,
  pickFrameRate,
  probeImage,
  probeVideo,
  type FfprobeOutput,
  type FfprobeStream,
} from './probe';
import { clip, plate, tools } from './test-media';

const h264: FfprobeStream = {
  codec_type: 'video',
  codec_name: 'h264',
  width: 1920,
  height: 1080,
  pix_fmt: 'yuv420p',
  r_frame_rate: '30000/1001',
  avg_frame_rate: '30000/1001',
  duration: '5.005000',
  nb_frames: '150',
  nb_read_packets: '150',
};
const aac: FfprobeStream = { codec_type: 'audio', codec_name: 'aac' };
const mp4 = (streams: FfprobeStream[]): FfprobeOutput => ({
  streams,
  format: { format_name: 'mov,mp4,m4a,3gp,3g2,mj2', duration: '5.010000', size: '1000' },
});
const file = { name: 'master.mp4', sizeBytes: 999 };

describe('interpretVideoProbe', () => {
  it('reads a plain H.264 master', () => {
    expect(interpretVideoProbe(mp4([h264, aac]), file)).toEqual({
      container: 'mov,mp4,m4a,3gp,3g2,mj2',
      durationS: 5.005,
      width: 1920,
      height: 1080,
      fps: 30000 / 1001,
      fpsFraction: '30000/1001',
      frameCount: 150,
      codec: 'h264',
      pixFmt: 'yuv420p',
      hasAudio: true,
      sizeBytes: 1000,
    });
  });

  it.each<[string, FfprobeStream, Partial<ReturnType<typeof interpretVideoProbe>>]>([
    ['counted packets win over the header', { ...h264, nb_frames: '151', nb_read_packets: '150' }, { frameCount: 150 }],
    ['header frame count without a packet count', { ...h264, nb_read_packets: undefined, nb_frames: '149' }, { frameCount: 149 }],
    ['duration × fps as a last resort', { ...h264, nb_read_packets: undefined, nb_frames: undefined, r_frame_rate: '25/1', avg_frame_rate: '25/1', duration: '4' }, { frameCount: 100 }],
    ['format duration when the stream has none (webm)', { ...h264, duration: undefined }, { durationS: 5.01 }],
    ['rotated phone footage reports its upright size', { ...h264, side_data_list: [{ side_data_type: 'Display Matrix', rotation: -90 }] }, { width: 1080, height: 1920 }],
    ['old-style rotate tag', { ...h264, tags: { rotate: '270' } }, { width: 1080, height: 1920 }],
    ['variable frame rate takes the average', { ...h264, r_frame_rate: '60/1', avg_frame_rate: '2997/100' }, { fpsFraction: '2997/100' }],
  ])('%s', (_name, stream, expected) => {
    expect(interpretVideoProbe(mp4([stream]), file)).toMatchObject(expected);
  });

  it('ignores cover art and reports no audio', () => {
    const cover: FfprobeStream = { codec_type: 'video', codec_name: 'mjpeg', disposition: { attached_pic: 1 } };
    expect(interpretVideoProbe(mp4([h264, cover]), file)).toMatchObject({ codec: 'h264', hasAudio: false });
  });

  it.each<[string, FfprobeOutput, string, string]>([
    ['audio only', mp4([aac]), 'NOT_A_VIDEO', 'master.mp4 is not a video file ffmpeg can read: it has no video stream'],
    ['nothing at all', {}, 'NOT_A_VIDEO', 'it has no video stream'],
    ['two video streams', mp4([h264, h264]), 'VIDEO_TOO_MANY_STREAMS', 'master.mp4 has 2 video streams; a master shot must have exactly one'],
    [
      'a JPEG',
      { streams: [{ codec_type: 'video', codec_name: 'mjpeg', width: 64, height: 48, nb_read_packets: '1', r_frame_rate: '25/1' }], format: { format_name: 'jpeg_pipe' } },
      'VIDEO_STILL_IMAGE',
      'master.mp4 is a JPEG image, not a moving video',
    ],
    ['a one-frame H.264', mp4([{ ...h264, nb_read_packets: '1' }]), 'VIDEO_STILL_IMAGE', 'is a single still frame'],
    ['no frame rate', mp4([{ ...h264, r_frame_rate: '0/0', avg_frame_rate: '0/0' }]), 'NOT_A_VIDEO', 'no size or frame rate'],
    [
      'a fast-start MP4 cut short',
      mp4([{ ...h264, nb_frames: '100', nb_read_packets: '28' }]),
      'VIDEO_TRUNCATED',
      'master.mp4 is incomplete: its header promises 100 frames but only 28 are in the file (the upload or export was cut short)',
    ],
    [
      'a Matroska file cut short',
      { streams: [{ ...h264, nb_frames: undefined, duration: undefined, r_frame_rate: '25/1', avg_frame_rate: '25/1', nb_read_packets: '27' }], format: { format_name: 'matroska,webm', duration: '4.000000' } },
      'VIDEO_TRUNCATED',
      'master.mp4 is incomplete: its header promises 4.0 s but only 1.1 s of frames are in the file',
    ],
  ])('rejects %s', (_name, out, code, message) => {
    let err: unknown;
    try {
      interpretVideoProbe(out, file);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({ code, kind: 'unsupported-media' });
    expect((err as Error).message).toContain(message);
  });
});

describe('interpretVideoProbe: headers that lie', () => {
  it('refuses a picture size ffmpeg itself refused, whatever size it then reports', () => {
    const stderr = '[mjpeg @ 0x5654c84e6480] [IMGUTILS @ 0x7ffd164f2b00] Picture size 100000x100000 is invalid\n';
    expect(() => interpretVideoProbe(mp4([{ ...h264, codec_name: 'mjpeg', width: 64, height: 48 }]), { ...file, stderr })).toThrow(
      expect.objectContaining({
        code: 'VIDEO_TOO_LARGE',
        kind: 'too-large',
        message: 'master.mp4 claims a picture of 100000×100000, larger than ffmpeg can decode',
      }),
    );
  });

  it.each<[string, Partial<FfprobeStream>, FfprobeOutput['format']]>([
    ['edit lists trimming a couple of frames', { nb_frames: '152', nb_read_packets: '150' }, undefined],
    ['Matroska audio running longer than the video', { nb_frames: undefined, duration: undefined, r_frame_rate: '25/1', avg_frame_rate: '25/1', nb_read_packets: '50' }, { format_name: 'matroska,webm', duration: '3.5' }],
    ['a short clip with no count in its header', { nb_frames: undefined, duration: undefined, r_frame_rate: '25/1', avg_frame_rate: '25/1', nb_read_packets: '10' }, { format_name: 'mpegts', duration: '0.4' }],
  ])('is not fooled into calling a whole file truncated: %s', (_name, stream, format) => {
    const out: FfprobeOutput = { streams: [{ ...h264, ...stream }], format: format ?? mp4([]).format };
    expect(() => interpretVideoProbe(out, file)).not.toThrow();
  });
});

describe('pickFrameRate / ffprobeReason', () => {
  it.each([
    ['30000/1001', '30000/1001', '30000/1001'],
    ['30000/1001', '2997/100', '30000/1001'],
    ['60/1', '30/1', '30/1'],
    ['25/1', '0/0', '25/1'],
    ['0/0', '24/1', '24/1'],
    ['0/0', '0/0', undefined],
  ])('r=%s avg=%s → %s', (r, avg, picked) => expect(pickFrameRate(r, avg)).toBe(picked));

  const noMoov = '[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55d5cd3ab980] moov atom not found\nfile:/tmp/x.mp4: Invalid data found when processing input\n';
  it.each([
    ['an MP4 cut before its index', Buffer.from('\0\0\0\x20ftypisom', 'latin1'), 'it is incomplete: the MP4 index (moov atom) is missing, so the upload or export was cut short'],
    ['a text file named .mp4', Buffer.from('campaign notes', 'latin1'), 'invalid data found when processing input'],
    ['no head given', undefined, 'invalid data found when processing input'],
  ])('no moov atom in %s', (_name, head, reason) => expect(ffprobeReason(noMoov, head)).toBe(reason));

  it.each([
    ['[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55d5cd3ab980] stream 0, offset 0x10: partial file\nfile:/tmp/x.mp4: Invalid data found when processing input\n', 'invalid data found when processing input'],
    ["[hls @ 0x5565d9461280] Format not on whitelist 'mov,matroska'\nfile:/tmp/x.mp4: Invalid argument\n", 'HLS playlist (.m3u8) files are not accepted'],
    ["[concat @ 0x5565d9461280] Format not on whitelist 'mov,matroska'\nfile:/tmp/x.mp4: Invalid argument\n", 'ffconcat list files are not accepted'],
    ["[gif @ 0x55f49a7eaa80] Format not on whitelist 'mov,matroska'\nfile:/tmp/a.gif: Invalid argument\n", 'gif files are not accepted'],
    ['file:/tmp/a.mp4: Invalid argument\n', 'invalid argument'],
    ['file:/tmp/concat:a.mp4|b: c.mp4: Invalid data found when processing input\n', 'invalid data found when processing input'],
    ['', 'ffprobe failed without saying why'],
  ])('%j → %s', (stderr, reason) => expect(ffprobeReason(stderr)).toBe(reason));
});

describe('probeVideo / probeImage on real files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shotmatrix-probe-'));
    const ff = (...args: string[]) => execFileSync('ffmpeg', ['-v', 'error', '-y', ...args]);
    ff('-f', 'lavfi', '-i', 'testsrc=s=64x48', '-frames:v', '1', path.join(dir, 'still.jpg'));
    await fs.copyFile(path.join(dir, 'still.jpg'), path.join(dir, 'renamed-jpeg.mp4'));
    ff('-f', 'lavfi', '-i', 'testsrc=s=64x48', '-frames:v', '1', path.join(dir, 'still.png'));
    ff('-f', 'lavfi', '-i', 'testsrc=s=64x48', '-frames:v', '3', path.join(dir, 'anim.gif'));
    ff('-f', 'lavfi', '-i', 'sine=d=1', path.join(dir, 'tone.m4a'));
    ff('-f', 'lavfi', '-i', 'testsrc=s=64x48:d=1', '-f', 'lavfi', '-i', 'testsrc2=s=64x48:d=1', '-map', '0', '-map', '1', path.join(dir, 'two-videos.mkv'));
    await fs.writeFile(path.join(dir, 'empty.mp4'), '');
    await fs.writeFile(path.join(dir, 'notes.mp4'), 'campaign notes: not a video\n'.repeat(20));
    await fs.writeFile(path.join(dir, 'list.m3u8'), `#EXTM3U\n#EXTINF:1,\n${clip('macro_flower_mdn.mp4')}\n`);
  });
  afterAll(() => fs.rm(dir, { recursive: true, force: true }));

  it.each([
    ['product_bottles_table_intel.mp4', { width: 640, height: 360, fpsFraction: '179/6', frameCount: 250, codec: 'h264', hasAudio: false }],
    ['talking_head_yellow_backdrop_mdn.mp4', { width: 320, height: 192, fpsFraction: '60000/1001', frameCount: 500, hasAudio: true }],
    ['macro_flower_mdn.mp4', { width: 960, height: 540, fpsFraction: '30000/1001', frameCount: 150, hasAudio: true }],
    ['person_walking_room_intel.mp4', { width: 768, height: 432, fpsFraction: '10/1', frameCount: 101 }],
    ['camera_pan_tractor_field_tmh.webm', { container: 'matroska,webm', codec: 'vp9', width: 512, height: 288, fpsFraction: '25/1', frameCount: 248, hasAudio: false }],
  ])('accepts %s', async (name, expected) => {
    const probe = await probeVideo(tools, clip(name));
    expect(probe).toMatchObject({ pixFmt: 'yuv420p', ...expected });
    expect(probe.durationS).toBeGreaterThan(4);
    expect(probe.sizeBytes).toBe((await fs.stat(clip(name))).size);
  });

  it.each([
    ['empty.mp4', 'NOT_A_VIDEO', 'empty.mp4 is not a video file ffmpeg can read: the file is empty'],
    ['renamed-jpeg.mp4', 'VIDEO_STILL_IMAGE', 'renamed-jpeg.mp4 is a JPEG image, not a moving video'],
    ['still.png', 'VIDEO_STILL_IMAGE', 'still.png is a PNG image'],
    ['still.jpg', 'VIDEO_STILL_IMAGE', 'still.jpg is a JPEG image'],
    ['notes.mp4', 'NOT_A_VIDEO', 'notes.mp4 is not a video file ffmpeg can read: invalid data found when processing input'],
    ['tone.m4a', 'NOT_A_VIDEO', 'tone.m4a is not a video file ffmpeg can read: it has no video stream'],
    ['two-videos.mkv', 'VIDEO_TOO_MANY_STREAMS', 'two-videos.mkv has 2 video streams'],
    ['anim.gif', 'NOT_A_VIDEO', 'anim.gif is not a video file ffmpeg can read: gif files are not accepted'],
    ['list.m3u8', 'NOT_A_VIDEO', 'list.m3u8 is not a video file ffmpeg can read'],
    ['missing.mp4', 'NOT_A_VIDEO', 'the file does not exist'],
  ])('rejects %s', async (name, code, message) => {
    const err = await probeVideo(tools, path.join(dir, name)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({ code, kind: 'unsupported-media' });
    expect((err as Error).message).toContain(message);
  });

  it.each<[string, Partial<IngestLimits>, string, string, string]>([
    ['too long', { maxDurationS: 8 }, 'VIDEO_TOO_LONG', 'too-large', 'person_walking_room_intel.mp4 is 10.1 s long; masters may be at most 8 s'],
    ['too large', { maxWidth: 640, maxHeight: 360 }, 'VIDEO_TOO_LARGE', 'too-large', 'person_walking_room_intel.mp4 is 768×432; masters may be at most 640×360 (360×640 in portrait)'],
    ['a codec left out', { videoCodecs: ['hevc', 'prores'] }, 'VIDEO_CODEC_UNSUPPORTED', 'unsupported-media', 'person_walking_room_intel.mp4 uses the codec "h264", which Shotmatrix does not accept (accepted: HEVC, ProRes)'],
    ['a file too big', { maxBytes: 200 * 1024 }, 'FILE_TOO_LARGE', 'too-large', 'person_walking_room_intel.mp4 is 262.5 KiB; masters may be at most 200 KiB'],
  ])('applies ingest limits given to it: %s', async (_name, custom, code, kind, message) => {
    const limits = { ...DEFAULT_INGEST_LIMITS, ...custom };
    const err = await probeVideo(tools, clip('person_walking_room_intel.mp4'), { limits }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({ code, kind, message });
  });

  it('accepts every shared clip under the default limits', async () => {
    for (const name of ['product_bottles_table_intel.mp4', 'camera_pan_tractor_field_tmh.webm', 'talking_head_yellow_backdrop_mdn.mp4']) {
      await expect(probeVideo(tools, clip(name), { limits: DEFAULT_INGEST_LIMITS })).resolves.toMatchObject({ frameCount: expect.any(Number) });
    }
  });

  it('names the file as the producer uploaded it', async () => {
    await expect(probeVideo(tools, path.join(dir, 'empty.mp4'), { displayName: 'Hero Shot v3.mov' })).rejects.toThrow(
      'Hero Shot v3.mov is not a video file',
    );
  });

  it.each([
    [plate('beach_sunset_budgie.jpg'), { width: 6144, height: 4096, codec: 'mjpeg' }],
    ['still.png', { width: 64, height: 48, codec: 'png' }],
    ['renamed-jpeg.mp4', { width: 64, height: 48, codec: 'mjpeg' }],
  ])('probes the plate %s', async (name, expected) => {
    await expect(probeImage(tools, path.isAbsolute(name) ? name : path.join(dir, name))).resolves.toEqual(expected);
  });

  it.each(['anim.gif', 'notes.mp4', 'empty.mp4'])('rejects %s as a plate', async (name) => {
    await expect(probeImage(tools, path.join(dir, name))).rejects.toMatchObject({ code: 'NOT_AN_IMAGE', kind: 'unsupported-media' });
  });

  it('rejects a video as a plate', async () => {
    await expect(probeImage(tools, clip('macro_flower_mdn.mp4'))).rejects.toThrow(
      'macro_flower_mdn.mp4 is not a JPEG, PNG or WebP image',
    );
  });

  it('counts decoded frames exactly', async () => {
    await expect(countFrames(tools, clip('camera_pan_tractor_field_tmh.webm'))).resolves.toBe(248);
    await expect(countFrames(tools, clip('person_walking_room_intel.mp4'))).resolves.toBe(101);
  });
});
