import type { QcCheck } from '@shotmatrix/contracts';
import { insideTitleSafe, titleSafe, type Box } from '@shotmatrix/domain';

export interface PlacedLayer extends Box {
  /** What a producer calls it: "label", "super super-tagline", "legal legal-line". */
  name: string;
}

/** Every overlay drawn on purpose must sit inside the output's title-safe area. */
export function safeAreaCheck(frame: { width: number; height: number }, layers: PlacedLayer[]): QcCheck {
  if (!layers.length) return { name: 'safe-areas', status: 'not-checked', detail: 'no overlays in this variant' };
  const outside = layers.filter((l) => !insideTitleSafe(frame, l));
  const safe = titleSafe(frame);
  const area = `title-safe ${safe.width}×${safe.height} at ${safe.x},${safe.y} of ${frame.width}×${frame.height}`;
  return outside.length
    ? {
        name: 'safe-areas',
        status: 'fail',
        detail: `${outside.map((l) => `${l.name} (${l.width}×${l.height} at ${l.x},${l.y})`).join(', ')} outside the ${area}`,
      }
    : { name: 'safe-areas', status: 'pass', detail: `${layers.length} overlay(s) inside the ${area}` };
}

/** The legal line's time on screen against the market's minimum. */
export function legalLineCheck(legalFrames: Array<{ from: number; to: number }>, fps: number, minSeconds: number): QcCheck {
  const frames = legalFrames.reduce((n, r) => n + (r.to - r.from + 1), 0);
  const seconds = frames / fps;
  if (!legalFrames.length) {
    return minSeconds > 0
      ? { name: 'legal-line', status: 'fail', detail: `no legal line, but ${minSeconds} s on screen is required`, value: 0, threshold: minSeconds }
      : { name: 'legal-line', status: 'not-checked', detail: 'no legal line in this variant and no minimum time set' };
  }
  if (minSeconds <= 0) return { name: 'legal-line', status: 'pass', detail: `legal line on screen ${seconds.toFixed(2)} s (no minimum set)`, value: seconds };
  return {
    name: 'legal-line',
    status: seconds + 1e-9 >= minSeconds ? 'pass' : 'fail',
    detail: `legal line on screen ${seconds.toFixed(2)} s (${frames} frames); at least ${minSeconds} s required`,
    value: seconds,
    threshold: minSeconds,
  };
}
