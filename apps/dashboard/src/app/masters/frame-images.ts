/**
 * Loads exact master frames as images and keeps the recent ones, so stepping
 * to a prefetched neighbour shows it at once. The browser's HTTP cache holds
 * the bytes (the API sends them cacheable); this keeps them decoded.
 */

/** The parts of HTMLImageElement used here (a fake in tests). */
export interface ImageLike {
  src: string;
  onload: ((ev: Event) => unknown) | null;
  onerror: ((ev: Event | string) => unknown) | null;
  decode?: () => Promise<void>;
}

export class FrameImages {
  private readonly entries = new Map<string, { img: ImageLike; ready: Promise<string>; loaded: boolean }>();

  constructor(
    private readonly create: () => ImageLike,
    private readonly capacity = 48,
  ) {}

  /** Resolves with `url` once the image is loaded and decoded; rejects when it cannot be. */
  load(url: string): Promise<string> {
    const hit = this.entries.get(url);
    if (hit) {
      // Most recently used goes to the back of the eviction order.
      this.entries.delete(url);
      this.entries.set(url, hit);
      return hit.ready;
    }
    const img = this.create();
    const entry = {
      img,
      loaded: false,
      ready: new Promise<string>((resolve, reject) => {
        img.onload = () => {
          // decode() keeps the first paint of a big frame from stalling the page.
          const decoded = img.decode ? img.decode().catch(() => undefined) : Promise.resolve();
          void decoded.then(() => {
            entry.loaded = true;
            resolve(url);
          });
        };
        img.onerror = () => {
          // A failed frame (e.g. analysis not done yet) may be asked for again later.
          if (this.entries.get(url) === entry) this.entries.delete(url);
          reject(new Error(`could not load ${url}`));
        };
      }),
    };
    this.entries.set(url, entry);
    img.src = url;
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    return entry.ready;
  }

  /** Starts loading without waiting; failures are ignored (the frame is asked for again when shown). */
  prefetch(urls: readonly string[]): void {
    for (const url of urls) this.load(url).catch(() => undefined);
  }

  isLoaded(url: string): boolean {
    return this.entries.get(url)?.loaded ?? false;
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}
