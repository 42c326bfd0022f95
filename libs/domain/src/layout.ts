/** Even sizes: H.264 with 4:2:0 chroma needs them. */
export const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);

export interface VariantLayout {
  output: { width: number; height: number };
  label: { width: number; x: number; y: number };
}

/**
 * v0 layout: output at the master's size (even), label in the lower-left
 * title-safe corner at 40 % of the frame width (narrower on portrait frames
 * so it does not cover the subject).
 */
export function layoutVariant(master: { width: number; height: number }, labelAspect: number): VariantLayout {
  const width = even(master.width);
  const height = even(master.height);
  const portrait = height > width;
  const labelWidth = even(width * (portrait ? 0.7 : 0.4));
  const labelHeight = Math.round(labelWidth / labelAspect);
  const margin = Math.round(Math.min(width, height) * 0.05);
  return {
    output: { width, height },
    label: { width: labelWidth, x: margin, y: Math.max(0, height - labelHeight - margin) },
  };
}
