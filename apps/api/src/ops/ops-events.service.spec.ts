import { Subject } from 'rxjs';
import { coalesce } from './ops-events.service';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('coalesce', () => {
  it('runs at once, folds a burst into one more run after the pause, and never runs two at once', async () => {
    const triggers = new Subject<void>();
    let running = 0;
    let overlap = false;
    let n = 0;
    const work = async () => {
      running++;
      overlap ||= running > 1;
      await sleep(20);
      running--;
      return ++n;
    };
    const seen: number[] = [];
    const sub = coalesce(triggers, work, 100, () => undefined).subscribe((v) => seen.push(v));
    triggers.next();
    await sleep(5);
    for (let i = 0; i < 10; i++) triggers.next();
    await sleep(60);
    expect(seen).toEqual([1]);
    await sleep(120);
    expect(seen).toEqual([1, 2]);
    await sleep(150);
    // Nothing more came in: nothing more runs.
    expect(seen).toEqual([1, 2]);
    expect(overlap).toBe(false);
    sub.unsubscribe();
  });

  it('reports a failed run and carries on with the next trigger', async () => {
    const triggers = new Subject<void>();
    const errors: string[] = [];
    let fail = true;
    const seen: string[] = [];
    const sub = coalesce(
      triggers,
      async () => {
        if (fail) throw new Error('db down');
        return 'ok';
      },
      10,
      (e) => errors.push(e.message),
    ).subscribe((v) => seen.push(v));
    triggers.next();
    await sleep(30);
    fail = false;
    triggers.next();
    await sleep(30);
    expect(errors).toEqual(['db down']);
    expect(seen).toEqual(['ok']);
    sub.unsubscribe();
  });
});
