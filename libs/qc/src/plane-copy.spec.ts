import type { Quad } from '@shotmatrix/contracts';
import { planeCopyFrame } from './plane-copy';

const q = (x: number, y: number, w = 100, h = 50): Quad => [
  [x, y],
  [x + w, y],
  [x + w, y + h],
  [x, y + h],
];

describe('planeCopyFrame', () => {
  const quads = [q(100, 100), null, q(300, 100), q(500, 100), q(700, 100)];

  it('reads the tracked frame nearest the middle, in master pixels, when the cell is not reframed', () => {
    expect(planeCopyFrame(quads, null, 1)).toEqual({ frame: 0, quad: q(100, 100) });
    expect(planeCopyFrame(quads, null, 3)).toEqual({ frame: 3, quad: q(500, 100) });
    expect(planeCopyFrame([null, null], null, 1)).toBeNull();
  });

  it('in a reframed cell, takes the nearest frame whose quad is whole in the window, moved into the window', () => {
    // A 9:16 window 304 px wide that follows the plane except on frame 3, where it looks elsewhere: the nearest
    // frame that shows the plane whole is 2 (window 300…604), and the quad is read at 0…100 in the window.
    const reframe = { width: 304, height: 540, x: [0, 150, 300, 0, 600], y: [0, 0, 0, 0, 0] };
    expect(planeCopyFrame(quads, reframe, 3)).toEqual({ frame: 2, quad: q(0, 100) });
    expect(planeCopyFrame(quads, { ...reframe, x: [0, 150, 300, 450, 600] }, 3)).toEqual({ frame: 3, quad: q(50, 100) });
    // A window that never holds the quad whole says why, rather than reading part of it.
    const elsewhere = { width: 304, height: 540, x: [1000, 1000, 1000, 1000, 1000], y: [0, 0, 0, 0, 0] };
    expect(planeCopyFrame(quads, elsewhere, 2)).toEqual({ unreadable: "the label's plane is never whole inside the reframed window" });
  });
});
