/** yuv420p halves chroma in both directions, so every size and offset is kept even. */
export function even(n: number): number {
  return Math.max(2, 2 * Math.floor(n / 2));
}
