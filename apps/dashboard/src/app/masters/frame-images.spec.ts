import { FrameImages, type ImageLike } from './frame-images';

class FakeImage implements ImageLike {
  static made: FakeImage[] = [];
  src = '';
  onload: ((ev: Event) => unknown) | null = null;
  onerror: ((ev: Event | string) => unknown) | null = null;
  constructor() {
    FakeImage.made.push(this);
  }
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('FrameImages', () => {
  beforeEach(() => (FakeImage.made = []));

  it('loads each frame once and resolves when it has arrived', async () => {
    const images = new FrameImages(() => new FakeImage());
    const a = images.load('/f/1');
    const again = images.load('/f/1');
    expect(FakeImage.made).toHaveLength(1);
    expect(FakeImage.made[0].src).toBe('/f/1');
    expect(images.isLoaded('/f/1')).toBe(false);
    FakeImage.made[0].onload!(new Event('load'));
    await expect(a).resolves.toBe('/f/1');
    await expect(again).resolves.toBe('/f/1');
    expect(images.isLoaded('/f/1')).toBe(true);
  });

  it('waits for decoding when the image can decode', async () => {
    let decoded!: () => void;
    const images = new FrameImages(() => Object.assign(new FakeImage(), { decode: () => new Promise<void>((r) => (decoded = r)) }));
    let done = false;
    void images.load('/f/2').then(() => (done = true));
    FakeImage.made[0].onload!(new Event('load'));
    await flush();
    expect(done).toBe(false);
    decoded();
    await flush();
    expect(done).toBe(true);
  });

  it('forgets failures so the frame can be asked for again', async () => {
    const images = new FrameImages(() => new FakeImage());
    const first = images.load('/f/3');
    FakeImage.made[0].onerror!(new Event('error'));
    await expect(first).rejects.toThrow('/f/3');
    void images.load('/f/3');
    expect(FakeImage.made).toHaveLength(2);
  });

  it('keeps only the most recently used frames', () => {
    const images = new FrameImages(() => new FakeImage(), 2);
    images.prefetch(['/a', '/b']);
    void images.load('/a'); // touch: /b is now the oldest
    images.prefetch(['/c']);
    expect(images.size).toBe(2);
    void images.load('/a');
    void images.load('/b');
    // /a was kept, /b had to be fetched again.
    expect(FakeImage.made.map((i) => i.src)).toEqual(['/a', '/b', '/c', '/b']);
  });
});
