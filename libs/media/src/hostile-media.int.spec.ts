import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { DomainError } from '@shotmatrix/domain';
import { DEFAULT_INGEST_LIMITS } from './ingest-limits';
import { runTool } from './media-tools';
import { probeVideo } from './probe';
import { tools } from './test-media';

/**
 * Issue 4, point 2: broken and hostile uploads are refused with a reason, and
 * probing them never reads or fetches anything outside the upload. Every file
 * is made here, in a temp folder, by ffmpeg or by writing its bytes.
 *
 * How "nothing outside was touched" is observed:
 * - Network: a TCP server on 127.0.0.1 (port chosen at random) that every
 *   http:// and tcp:// reference in the corpus points at; it counts accepted
 *   connections.
 * - Files: every file reference points at a FIFO (`bait.ts`; the .ts name
 *   gets past the HLS demuxer's own extension filter, so only our options
 *   stand in the way). Opening a FIFO for reading blocks until a writer
 *   comes, so a reader cannot slip in and out unseen: while a probe runs the
 *   test keeps trying to open the FIFO for writing with O_NONBLOCK, which
 *   fails with ENXIO while nobody reads and succeeds the moment someone has
 *   it open. It then closes at once, so the reader gets EOF and the probe
 *   does not hang. (Comparing atimes would miss reads on relatime/noatime
 *   mounts.) The control test at the end shows both detectors do fire when
 *   ffprobe is run without our options.
 */
describe('hostile and broken masters', () => {
  let dir: string;
  let bait: string;
  let server: net.Server;
  let port: number;
  let connections = 0;

  const at = (name: string) => path.join(dir, name);
  const ff = (...args: string[]) => execFileSync('ffmpeg', ['-v', 'error', '-y', ...args]);

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shotmatrix-hostile-'));
    bait = at('bait.ts');
    execFileSync('mkfifo', [bait]);
    server = net.createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as net.AddressInfo).port;
    const url = `http://127.0.0.1:${port}/x.ts`;

    // Cut-short MP4s: a fast-start one (index first) keeps its index and
    // loses frames; an ordinary one (index last) loses its index.
    ff('-f', 'lavfi', '-i', 'testsrc2=s=320x240:d=4:r=25', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', at('whole-faststart.mp4'));
    cut(at('whole-faststart.mp4'), at('truncated-30.mp4'), 0.3);
    ff('-f', 'lavfi', '-i', 'testsrc2=s=320x240:d=4:r=25', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', at('whole.mp4'));
    const whole = fs.readFileSync(at('whole.mp4'));
    fs.writeFileSync(at('truncated-before-moov.mp4'), whole.subarray(0, topLevelBoxOffset(whole, 'moov')));
    ff('-f', 'lavfi', '-i', 'testsrc2=s=320x240:d=4:r=25', '-c:v', 'mjpeg', at('whole.mkv'));
    cut(at('whole.mkv'), at('truncated-30.mkv'), 0.3);

    fs.writeFileSync(at('empty.mp4'), '');
    ff('-f', 'lavfi', '-i', 'testsrc=s=64x48', '-frames:v', '1', at('photo.jpg'));
    fs.copyFileSync(at('photo.jpg'), at('photo.mp4'));
    ff('-f', 'lavfi', '-i', 'testsrc=s=64x48', '-frames:v', '1', '-f', 'image2', '-c:v', 'png', at('graphic.mp4'));

    // Headers claiming 100000×100000: a YUV4MPEG stream, and AVIs whose
    // stream header says so over small (or no) JPEG and raw frames.
    fs.writeFileSync(at('y4m-100000.mp4'), Buffer.concat([Buffer.from('YUV4MPEG2 W100000 H100000 F25:1 Ip A1:1 C420jpeg\nFRAME\n'), Buffer.alloc(4096)]));
    const jpeg = fs.readFileSync(at('photo.jpg'));
    fs.writeFileSync(at('avi-mjpeg-100000.mp4'), avi({ width: 100000, height: 100000, handler: 'MJPG', frames: Array(10).fill(jpeg) }));
    fs.writeFileSync(at('avi-raw-100000.mp4'), avi({ width: 100000, height: 100000, handler: '\0\0\0\0', frames: Array(10).fill(Buffer.alloc(64 * 48 * 3)) }));
    // A real 8K file: over the limit, but nothing ffmpeg itself refuses.
    ff('-f', 'lavfi', '-i', 'color=c=black:s=8192x4320:r=25', '-frames:v', '2', '-c:v', 'mjpeg', at('8k.avi'));

    // Playlists and lists that point outside the upload.
    const playlist = [
      '#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-TARGETDURATION:10', '#EXT-X-MEDIA-SEQUENCE:0',
      '#EXTINF:10.0,', `file://${bait}`,
      '#EXTINF:10.0,', bait,
      '#EXTINF:10.0,', url,
      '#EXT-X-ENDLIST', '',
    ].join('\n');
    fs.writeFileSync(at('playlist.mp4'), playlist);
    fs.writeFileSync(at('playlist.m3u8'), playlist);
    fs.writeFileSync(at('list.mp4'), ['ffconcat version 1.0', `file ${bait}`, `file 'file:${bait}'`, `file '${url}'`, `file 'subfile,,start,0,end,10,,:${bait}'`, ''].join('\n'));
    fs.writeFileSync(at('session.mp4'), sdp(port));
    fs.writeFileSync(at('session.sdp'), sdp(port));
    fs.writeFileSync(at('rtsp.mp4'), `rtsp://127.0.0.1:${port}/live\n`);

    // The classic: an AVI carrying an HLS playlist. First as a GAB2
    // subtitle chunk (what the 2017 exploit used, the AVI demuxer hands it to
    // a nested demuxer), then as the payload of its "video" frames.
    fs.writeFileSync(at('avi-gab2-playlist.mp4'), avi({ subtitle: gab2(playlist) }));
    fs.writeFileSync(at('avi-frames-playlist.mp4'), avi({ width: 64, height: 48, handler: 'MJPG', frames: Array(10).fill(Buffer.from(playlist)) }));
    fs.writeFileSync(at('avi-video-and-gab2-playlist.avi'), avi({ width: 64, height: 48, handler: 'MJPG', frames: Array(10).fill(jpeg), subtitle: gab2(playlist) }));

    // Protocol syntax in the file's own name. These resolve against the
    // working folder, so the probes below run with `dir` as cwd: were the
    // name read as a URL, `bait.ts` would be opened.
    fs.writeFileSync(at('concat:bait.ts|bait.ts.txt'), 'not a video\n'.repeat(20));
    fs.writeFileSync(at('subfile,,start,0,end,100,,:bait.ts.txt'), 'not a video\n'.repeat(20));
    fs.copyFileSync(at('whole.mp4'), at('concat:bait.ts|bait.ts.mp4'));
  }, 20_000);

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Runs `fn` while watching the bait FIFO and the TCP server; see the top of the file. */
  async function watched<T>(fn: () => Promise<T>): Promise<{ result: T; baitOpened: number; connected: number }> {
    const before = connections;
    let baitOpened = 0;
    const poll = () => {
      try {
        fs.closeSync(fs.openSync(bait, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK));
        baitOpened++;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENXIO') throw e;
      }
    };
    const timer = setInterval(poll, 1);
    try {
      const result = await fn();
      poll();
      // A connection accepted just before the probe ended is counted on the next turn of the loop.
      await new Promise((resolve) => setImmediate(resolve));
      return { result, baitOpened, connected: connections - before };
    } finally {
      clearInterval(timer);
    }
  }

  async function probeIn(cwd: string, file: string) {
    const previous = process.cwd();
    process.chdir(cwd);
    try {
      return await probeVideo(tools, file, { limits: DEFAULT_INGEST_LIMITS });
    } finally {
      process.chdir(previous);
    }
  }

  it.each<[string, string, string, string]>([
    ['truncated-30.mp4', 'VIDEO_TRUNCATED', 'unsupported-media', 'truncated-30.mp4 is incomplete: its header promises 100 frames but only'],
    ['truncated-before-moov.mp4', 'NOT_A_VIDEO', 'unsupported-media', 'truncated-before-moov.mp4 is not a video file ffmpeg can read: it is incomplete: the MP4 index (moov atom) is missing'],
    ['truncated-30.mkv', 'VIDEO_TRUNCATED', 'unsupported-media', 'truncated-30.mkv is incomplete: its header promises 4.0 s but only'],
    ['empty.mp4', 'NOT_A_VIDEO', 'unsupported-media', 'empty.mp4 is not a video file ffmpeg can read: the file is empty'],
    ['photo.mp4', 'VIDEO_STILL_IMAGE', 'unsupported-media', 'photo.mp4 is a JPEG image, not a moving video'],
    ['graphic.mp4', 'VIDEO_STILL_IMAGE', 'unsupported-media', 'graphic.mp4 is a PNG image, not a moving video'],
    ['y4m-100000.mp4', 'NOT_A_VIDEO', 'unsupported-media', 'y4m-100000.mp4 is not a video file ffmpeg can read: raw YUV4MPEG (.y4m) files are not accepted'],
    ['avi-mjpeg-100000.mp4', 'VIDEO_TOO_LARGE', 'too-large', 'avi-mjpeg-100000.mp4 claims a picture of 100000×100000, larger than ffmpeg can decode'],
    ['avi-raw-100000.mp4', 'VIDEO_TOO_LARGE', 'too-large', 'avi-raw-100000.mp4 claims a picture of 100000×100000'],
    ['8k.avi', 'VIDEO_TOO_LARGE', 'too-large', '8k.avi is 8192×4320; masters may be at most 4096×2160'],
    ['playlist.mp4', 'NOT_A_VIDEO', 'unsupported-media', 'playlist.mp4 is not a video file ffmpeg can read: HLS playlist (.m3u8) files are not accepted'],
    ['playlist.m3u8', 'NOT_A_VIDEO', 'unsupported-media', 'playlist.m3u8 is not a video file ffmpeg can read: HLS playlist (.m3u8) files are not accepted'],
    ['list.mp4', 'NOT_A_VIDEO', 'unsupported-media', 'list.mp4 is not a video file ffmpeg can read: ffconcat list files are not accepted'],
    ['session.mp4', 'NOT_A_VIDEO', 'unsupported-media', 'session.mp4 is not a video file ffmpeg can read: SDP / RTSP session files are not accepted'],
    ['session.sdp', 'NOT_A_VIDEO', 'unsupported-media', 'session.sdp is not a video file ffmpeg can read: SDP / RTSP session files are not accepted'],
    ['rtsp.mp4', 'NOT_A_VIDEO', 'unsupported-media', 'rtsp.mp4 is not a video file ffmpeg can read'],
    ['avi-gab2-playlist.mp4', 'NOT_A_VIDEO', 'unsupported-media', 'avi-gab2-playlist.mp4 is not a video file ffmpeg can read: it has no video stream'],
    ['avi-frames-playlist.mp4', 'NOT_A_VIDEO', 'unsupported-media', 'avi-frames-playlist.mp4 is not a video file ffmpeg can read: the first frames of its mjpeg video cannot be decoded'],
    ['concat:bait.ts|bait.ts.txt', 'NOT_A_VIDEO', 'unsupported-media', 'concat:bait.ts|bait.ts.txt is not a video file ffmpeg can read: invalid data found when processing input'],
    ['subfile,,start,0,end,100,,:bait.ts.txt', 'NOT_A_VIDEO', 'unsupported-media', 'subfile,,start,0,end,100,,:bait.ts.txt is not a video file ffmpeg can read: invalid data found when processing input'],
  ])('refuses %s with a reason, touching nothing else', async (name, code, kind, message) => {
    const { result: err, baitOpened, connected } = await watched(() => probeIn(dir, name).catch((e: unknown) => e));
    expect({ baitOpened, connected }).toEqual({ baitOpened: 0, connected: 0 });
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({ code, kind });
    expect((err as Error).message).toContain(message);
  });

  it('reads a name full of protocol syntax as a plain file name', async () => {
    const { result, baitOpened, connected } = await watched(() => probeIn(dir, 'concat:bait.ts|bait.ts.mp4'));
    expect(result).toMatchObject({ width: 320, height: 240, frameCount: 100, codec: 'h264' });
    expect({ baitOpened, connected }).toEqual({ baitOpened: 0, connected: 0 });
  });

  it('takes the video of an AVI that also carries a playlist as a subtitle, and never opens the playlist', async () => {
    // The video stream is real; the GAB2 subtitle holding the playlist is
    // never handed to the HLS demuxer (ffmpeg only opens SRT/ASS there, under
    // our format whitelist), and nothing downstream maps subtitles.
    const { result, baitOpened, connected } = await watched(() => probeIn(dir, 'avi-video-and-gab2-playlist.avi'));
    expect(result).toMatchObject({ width: 64, height: 48, frameCount: 10, codec: 'mjpeg' });
    expect({ baitOpened, connected }).toEqual({ baitOpened: 0, connected: 0 });
  });

  it('control: without its whitelists ffprobe does open the bait and the server, so the checks above can fail', async () => {
    const open = (playlist: string) => {
      fs.writeFileSync(at('control.m3u8'), ['#EXTM3U', '#EXT-X-TARGETDURATION:10', '#EXTINF:10.0,', playlist, '#EXT-X-ENDLIST', ''].join('\n'));
      return runTool(tools.ffprobePath, ['-v', 'quiet', '-protocol_whitelist', 'file,http,tcp', '-show_streams', `file:${at('control.m3u8')}`]);
    };
    expect(await watched(() => open(`file://${bait}`))).toMatchObject({ baitOpened: 1, connected: 0 });
    expect(await watched(() => open(`http://127.0.0.1:${port}/x.ts`))).toMatchObject({ baitOpened: 0, connected: 1 });
  });
});

function cut(from: string, to: string, fraction: number) {
  const bytes = fs.readFileSync(from);
  fs.writeFileSync(to, bytes.subarray(0, Math.floor(bytes.length * fraction)));
}

function topLevelBoxOffset(mp4: Buffer, type: string): number {
  for (let at = 0; at + 8 <= mp4.length; at += mp4.readUInt32BE(at)) {
    if (mp4.toString('latin1', at + 4, at + 8) === type) return at;
  }
  throw new Error(`no ${type} box`);
}

function sdp(port: number): string {
  return ['v=0', 'o=- 0 0 IN IP4 127.0.0.1', 's=hostile', 'c=IN IP4 127.0.0.1', 't=0 0', `m=video ${port} RTP/AVP 96`, 'a=rtpmap:96 H264/90000', ''].join('\r\n');
}

/** A GAB2 subtitle packet, as the AVI demuxer recognises them: header, UTF-16 title, then the embedded file. */
function gab2(payload: string): Buffer {
  const title = Buffer.from('x\0', 'utf16le');
  return Buffer.concat([Buffer.from('GAB2\0', 'latin1'), u16(2), u32(title.length), title, u16(4), u32(Buffer.byteLength(payload)), Buffer.from(payload)]);
}

/**
 * A minimal RIFF AVI: an optional video stream (any fourcc, any claimed
 * size, frames as given) and an optional `txts` subtitle stream with one packet.
 */
function avi(opts: { width?: number; height?: number; handler?: string; frames?: Buffer[]; subtitle?: Buffer }): Buffer {
  const { width = 0, height = 0, handler = '\0\0\0\0', frames = [], subtitle } = opts;
  const streams: Buffer[] = [];
  const movi: Buffer[] = [];
  if (frames.length) {
    const bih = Buffer.alloc(40);
    bih.writeUInt32LE(40, 0);
    bih.writeInt32LE(width, 4);
    bih.writeInt32LE(height, 8);
    bih.writeUInt16LE(1, 12);
    bih.writeUInt16LE(24, 14);
    bih.write(handler, 16, 'latin1');
    streams.push(list('strl', chunk('strh', streamHeader('vids', handler, frames.length)), chunk('strf', bih)));
    for (const f of frames) movi.push(chunk(`${String(streams.length - 1).padStart(2, '0')}dc`, f));
  }
  if (subtitle) {
    streams.push(list('strl', chunk('strh', streamHeader('txts', '\0\0\0\0', 1)), chunk('strf', Buffer.alloc(8))));
    movi.unshift(chunk(`${String(streams.length - 1).padStart(2, '0')}tx`, subtitle));
  }
  const avih = Buffer.alloc(56);
  avih.writeUInt32LE(40_000, 0); // µs per frame: 25 fps
  avih.writeUInt32LE(0x10, 12); // AVIF_HASINDEX
  avih.writeUInt32LE(frames.length, 16);
  avih.writeUInt32LE(streams.length, 24);
  avih.writeUInt32LE(width, 32);
  avih.writeUInt32LE(height, 36);
  const body = Buffer.concat([Buffer.from('AVI ', 'latin1'), list('hdrl', chunk('avih', avih), ...streams), list('movi', ...movi)]);
  return Buffer.concat([Buffer.from('RIFF', 'latin1'), u32(body.length), body]);
}

function streamHeader(type: 'vids' | 'txts', handler: string, length: number): Buffer {
  const h = Buffer.alloc(56);
  h.write(type, 0, 'latin1');
  h.write(handler, 4, 'latin1');
  h.writeUInt32LE(1, 20); // scale
  h.writeUInt32LE(25, 24); // rate
  h.writeUInt32LE(length, 32);
  h.writeUInt32LE(0xffffffff, 40); // quality: default
  return h;
}

function chunk(fourcc: string, data: Buffer): Buffer {
  return Buffer.concat([Buffer.from(fourcc, 'latin1'), u32(data.length), data, Buffer.alloc(data.length % 2)]);
}

function list(kind: string, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat([Buffer.from(kind, 'latin1'), ...parts]);
  return Buffer.concat([Buffer.from('LIST', 'latin1'), u32(body.length), body]);
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
}
