import type { MasterShotView, PlateView, StatusCounts, VariantView } from '@shotmatrix/contracts';
import type { MasterShotEntity, PlateEntity, VariantEntity } from '@shotmatrix/persistence';

/** Media is served by the API under /api/media/<key>. */
export const mediaUrl = (key: string) => `/api/media/${key}`;

export function toVariantView(v: VariantEntity): VariantView {
  return {
    id: v.id,
    campaignId: v.campaignId,
    market: v.marketCode,
    label: v.labelCode,
    background: v.backgroundCode,
    renderKey: v.renderKey,
    status: v.status,
    error: v.error,
    outputUrl: v.outputKey ? mediaUrl(v.outputKey) : null,
    thumbnailUrl: v.thumbnailKey ? mediaUrl(v.thumbnailKey) : null,
    frameCount: v.frameCount,
    durationS: v.durationS,
    updatedAt: v.updatedAt.toISOString(),
  };
}

export function toMasterView(m: MasterShotEntity): MasterShotView {
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
  };
}

export function toPlateView(p: PlateEntity): PlateView {
  return { id: p.id, filename: p.filename, width: p.width, height: p.height, url: mediaUrl(p.storageKey) };
}

export function countStatuses(rows: Array<{ status: string; n: number }>): StatusCounts {
  const counts: StatusCounts = { queued: 0, rendering: 0, done: 0, failed: 0, total: 0 };
  for (const r of rows) {
    if (r.status in counts) counts[r.status as keyof StatusCounts] += r.n;
    counts.total += r.n;
  }
  return counts;
}
