import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { DomainError } from '@shotmatrix/domain';
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

describe('pickFrameRate / ffprobeReason', () => {
  it.each([
    ['30000/1001', '30000/1001', '30000/1001'],
    ['30000/1001', '2997/100', '30000/1001'],
    ['60/1', '30/1', '30/1'],
    ['25/1', '0/0', '25/1'],
    ['0/0', '24/1', '24/1'],
    ['0/0', '0/0', undefined],
  ])('r=%s avg=%s → %s', (r, avg, picked) => expect(pickFrameRate(r, avg)).toBe(picked));

  it.each([
    ['[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55d5cd3ab980] moov atom not found\nfile:/tmp/x.mp4: Invalid data found when processing input\n', 'invalid data found when processing input'],
    ["[gif @ 0x55f49a7eaa80] Format not on whitelist 'mov,matroska'\nfile:/tmp/a.gif: Invalid argument\n", 'gif files are not accepted'],
    ['file:/tmp/a.mp4: Invalid argument\n', 'invalid argument'],
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
