import type { AnalysisView } from '@shotmatrix/contracts';

export type SpriteLayout = NonNullable<AnalysisView['sprite']>;

/** The sprite tile under a pointer at `fraction` (0..1) across the scrub strip, as CSS background values. */
export function spriteTile(fraction: number, layout: SpriteLayout): { index: number; timeS: number; size: string; position: string } {
  const tiles = layout.columns * layout.rows;
  const index = Math.min(tiles - 1, Math.max(0, Math.floor(fraction * tiles)));
  const col = index % layout.columns;
  const row = Math.floor(index / layout.columns);
  const pct = (i: number, n: number) => (n > 1 ? (i / (n - 1)) * 100 : 0);
  return {
    index,
    timeS: index * layout.intervalS,
    size: `${layout.columns * 100}% ${layout.rows * 100}%`,
    position: `${pct(col, layout.columns)}% ${pct(row, layout.rows)}%`,
  };
}

/** "analysed", "analysing…", "queued for analysis", "analysis failed: …" */
export function analysisLabel(a: AnalysisView | null | undefined): string {
  if (!a) return 'not analysed yet';
  switch (a.status) {
    case 'done':
      return 'analysed';
    case 'running':
      return a.stage ? `analysing: ${a.stage}${a.progress !== null ? ` ${Math.round(a.progress * 100)} %` : ''}` : 'analysing…';
    case 'queued':
      return 'queued for analysis';
    case 'failed':
      return `analysis failed: ${a.error ?? 'no reason given'}`;
  }
}
