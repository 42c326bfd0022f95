import type { AnalysisView, LutView, QcReport, MasterShotView, PlaneTrackView, PlateView, StatusCounts, VariantStatus, VariantView } from '@shotmatrix/contracts';
import type { AnalysisEntity, LutEntity, MasterShotEntity, PlateEntity } from '@shotmatrix/persistence';

/** A signed, short-lived URL for a stored object (see @shotmatrix/auth's mediaSigner). */
export type MediaUrl = (key: string) => string;

/** A variant joined with its render and its latest approval (see VARIANT_ROWS_SQL). */
export interface VariantRow {
  id: string;
  campaign_id: string;
  cell_key: string;
  coords: Record<string, string>;
  render_key: string;
  status: string;
  error: string | null;
  output_key: string | null;
  thumbnail_key: string | null;
  frame_count: number | null;
  duration_s: number | null;
  outputs: Record<string, string> | null;
  qc: (Omit<QcReport, 'heatmapUrl'> & { heatmapKey?: string | null }) | null;
  updated_at: Date;
  /** When the render reached done or failed (the same for every process that reads it). */
  finished_at: Date | null;
  approval_id: string | null;
  approval_comment: string | null;
  decision: 'approved' | 'rejected' | null;
  decided_by: string | null;
  decided_at: Date | null;
  approved_key: string | null;
}

export const VARIANT_ROWS_SQL = `
  SELECT v.id, v.campaign_id, v.cell_key, v.coords, v.render_key,
         r.status, r.error, r.output_key, r.thumbnail_key, r.frame_count, r.duration_s, r.outputs, r.qc, r.finished_at,
         greatest(v.updated_at, r.updated_at, a.decided_at) AS updated_at,
         a.id AS approval_id, a.comment AS approval_comment, a.decision, a.decided_by, a.decided_at, a.render_key AS approved_key
  FROM variant v
  JOIN render r ON r.render_key = v.render_key
  LEFT JOIN LATERAL (
    SELECT id, comment, decision, decided_by, decided_at, render_key FROM approval WHERE variant_id = v.id ORDER BY decided_at DESC LIMIT 1
  ) a ON true`;

/** Waiting on the master's analysis is, to a producer, still queued. */
const statusOf = (s: string): VariantStatus => (s === 'waiting' ? 'queued' : (s as VariantStatus));

function toQcReport(q: NonNullable<VariantRow['qc']>, mediaUrl: MediaUrl): QcReport {
  const { heatmapKey, ...rest } = q;
  return { ...rest, heatmapUrl: heatmapKey ? mediaUrl(heatmapKey) : null };
}

/** Takes the URL signer first, so a list maps with `rows.map(toVariantView(url))`. */
export const toVariantView = (mediaUrl: MediaUrl) => (v: VariantRow): VariantView => variantView(v, mediaUrl);

function variantView(v: VariantRow, mediaUrl: MediaUrl): VariantView {
  return {
    id: v.id,
    campaignId: v.campaign_id,
    cellKey: v.cell_key,
    coords: v.coords,
    market: v.coords.market,
    label: v.coords.label,
    background: v.coords.background,
    renderKey: v.render_key,
    status: statusOf(v.status),
    error: v.error,
    outputUrl: v.status === 'done' && v.output_key ? mediaUrl(v.output_key) : null,
    thumbnailUrl: v.status === 'done' && v.thumbnail_key ? mediaUrl(v.thumbnail_key) : null,
    frameCount: v.frame_count,
    durationS: v.duration_s,
    outputs: v.status === 'done' && v.outputs ? Object.fromEntries(Object.entries(v.outputs).map(([k, key]) => [k, mediaUrl(key)])) : {},
    qc: v.status === 'done' && v.qc ? toQcReport(v.qc, mediaUrl) : null,
    approval: v.decision
      ? { id: v.approval_id!, comment: v.approval_comment, decision: v.decision, stale: v.approved_key !== v.render_key, by: v.decided_by, at: new Date(v.decided_at!).toISOString() }
      : null,
    updatedAt: new Date(v.updated_at).toISOString(),
  };
}

export function toAnalysisView(mediaUrl: MediaUrl, a: AnalysisEntity, planes: PlaneTrackView[] = []): AnalysisView {
  const r = a.result ?? {};
  const done = a.status === 'done';
  const key = (k: string) => (done && typeof r[k] === 'string' ? mediaUrl(r[k] as string) : null);
  const mz = done ? (r.mezzanine as { width: number; height: number; fps: number } | undefined) : undefined;
  const matting = done ? (r.matting as { mode: 'isnet' | 'chroma'; provider: 'cuda' | 'cpu' | null; keyframes: number[]; stride: number | null } | undefined) : undefined;
  return {
    status: a.status,
    error: a.error,
    proxyUrl: key('proxyKey'),
    spriteUrl: key('spriteKey'),
    sprite: done && r.sprite ? (r.sprite as AnalysisView['sprite']) : null,
    stage: a.status === 'running' ? a.stage : null,
    progress: a.status === 'running' ? a.progress : null,
    frameCount: done && typeof r.frameCount === 'number' ? r.frameCount : null,
    fps: mz?.fps ?? null,
    width: mz?.width ?? null,
    height: mz?.height ?? null,
    mattingMode: matting?.mode ?? null,
    executionProvider: matting?.provider ?? null,
    matteKeyframes: matting?.keyframes ?? null,
    matteStride: matting?.stride ?? null,
    cameraMotionUrl: key('cameraMotionKey'),
    cameraMotionMeasured: done && typeof r.cameraMotionMeasured === 'number' ? r.cameraMotionMeasured : null,
    colourStatsUrl: key('colourStatsKey'),
    planes,
  };
}

export function toMasterView(mediaUrl: MediaUrl, m: MasterShotEntity, analysis: AnalysisEntity | null = null, planes: PlaneTrackView[] = []): MasterShotView {
  return {
    id: m.id,
    filename: m.filename,
    width: m.width,
    height: m.height,
    fps: m.fps,
    frameCount: m.frameCount,
    durationS: m.durationS,
    hasAudio: m.hasAudio,
    url: mediaUrl(m.storageKey),
    thumbnailUrl: m.thumbnailKey ? mediaUrl(m.thumbnailKey) : null,
    analysis: analysis ? toAnalysisView(mediaUrl, analysis, planes) : null,
  };
}

export const toPlateView = (mediaUrl: MediaUrl) => (p: PlateEntity): PlateView => plateView(p, mediaUrl);

function plateView(p: PlateEntity, mediaUrl: MediaUrl): PlateView {
  return { id: p.id, filename: p.filename, width: p.width, height: p.height, kind: p.kind, url: mediaUrl(p.storageKey) };
}

export function toLutView(l: LutEntity): LutView {
  return { id: l.id, name: l.name, filename: l.filename, size: l.size, sha256: l.sha256 };
}

export function countStatuses(rows: Array<{ status: string; n: number }>): StatusCounts {
  const counts: StatusCounts = { queued: 0, rendering: 0, done: 0, failed: 0, total: 0 };
  for (const r of rows) {
    const s = statusOf(r.status);
    if (s in counts) counts[s as keyof StatusCounts] += r.n;
    counts.total += r.n;
  }
  return counts;
}
