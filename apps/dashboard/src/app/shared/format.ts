/** Display helpers shared by the pages. Pure, so they are tested without Angular. */

export function formatSeconds(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds)) return '—';
  const whole = Math.floor(seconds);
  const minutes = Math.floor(whole / 60);
  const rest = seconds - minutes * 60;
  const secs = rest.toFixed(2).padStart(5, '0');
  return minutes > 0 ? `${minutes}:${secs}` : `${rest.toFixed(2)} s`;
}

export function formatFps(fps: number | null | undefined): string {
  if (fps == null || !Number.isFinite(fps)) return '—';
  // 23.976 and 29.97 matter; 25.000 does not.
  return `${Number.isInteger(fps) ? fps : Number(fps.toFixed(3))} fps`;
}

export function formatCount(n: number | null | undefined): string {
  return n == null ? '—' : n.toLocaleString('en-US');
}

export function shortKey(key: string, length = 12): string {
  return key.length > length ? `${key.slice(0, length)}…` : key;
}

export function percent(part: number, total: number): number {
  if (total <= 0) return 0;
  return Math.round((part / total) * 1000) / 10;
}
