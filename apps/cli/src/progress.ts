import type { StatusCounts } from '@shotmatrix/contracts';

/** `Demo  [########......] 9/18 done · 1 rendering · 0 failed` */
export function progressBar(name: string, counts: StatusCounts, width = 24, nameWidth = 20): string {
  const finished = counts.total ? (counts.done + counts.failed) / counts.total : 0;
  const filled = Math.round(finished * width);
  const label = name.length > nameWidth ? `${name.slice(0, nameWidth - 1)}…` : name.padEnd(nameWidth);
  const parts = [`${counts.done}/${counts.total} done`];
  if (counts.rendering) parts.push(`${counts.rendering} rendering`);
  if (counts.queued) parts.push(`${counts.queued} queued`);
  parts.push(`${counts.failed} failed`);
  return `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${parts.join(' · ')}`;
}

export const isSettled = (c: StatusCounts) => c.total > 0 && c.done + c.failed === c.total;
