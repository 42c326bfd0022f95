import type { CampaignView, StatusCounts } from '@shotmatrix/contracts';

/** `Demo                 [#####.....] 9/18 done · 1 rendering · 8 queued · 0 failed` */
export function progressBar(name: string, counts: StatusCounts, width = 24, nameWidth = 20): string {
  const finished = counts.total ? (counts.done + counts.failed) / counts.total : 0;
  const filled = Math.min(width, Math.round(finished * width));
  const label = name.length > nameWidth ? `${name.slice(0, nameWidth - 1)}…` : name.padEnd(nameWidth);
  const parts = [`${counts.done}/${counts.total} done`];
  if (counts.rendering) parts.push(`${counts.rendering} rendering`);
  if (counts.queued) parts.push(`${counts.queued} queued`);
  parts.push(`${counts.failed} failed`);
  return `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${parts.join(' · ')}`;
}

/** Every variant has finished, one way or the other; a campaign with no variants has nothing to wait for. */
export const isSettled = (c: StatusCounts) => c.done + c.failed === c.total;

/**
 * What a log (not a terminal) gets on each poll: only the bars that changed,
 * so a CI log shows one line per change instead of the whole block every second.
 */
export function changedLines(previous: readonly string[], next: readonly string[]): string[] {
  return next.filter((line, i) => previous[i] !== line);
}

/** One line per failed variant, with the cell and the worker's reason. */
export function failureLines(views: readonly CampaignView[]): string[] {
  return views.flatMap((v) =>
    v.variants
      .filter((x) => x.status === 'failed')
      .map((x) => {
        const extra = Object.entries(x.coords ?? {})
          .filter(([dim]) => !['market', 'label', 'background'].includes(dim))
          .map(([dim, code]) => ` ${dim}=${code}`)
          .join('');
        return `failed: ${v.name} · market=${x.market} label=${x.label} background=${x.background}${extra}: ${x.error ?? 'no reason given'}`;
      }),
  );
}
