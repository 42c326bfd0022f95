import * as path from 'node:path';
import { mkdtemp, rm } from 'node:fs/promises';
import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { DataSource } from 'typeorm';
import type { AppConfig } from '@shotmatrix/config';
import type { PlateView } from '@shotmatrix/contracts';
import { ANALYSER_VERSION } from '@shotmatrix/domain';
import { buildStillArgs, DEFAULT_INGEST_LIMITS, probeImage, probeVideo, runFfmpeg, type MediaTools } from '@shotmatrix/media';
import { ensureAnalysis, MasterShotEntity, PlateEntity } from '@shotmatrix/persistence';
import type { ObjectStore } from '@shotmatrix/storage';
import type { OutboxRelay } from '@shotmatrix/dispatch';
import { APP_CONFIG, MEDIA_TOOLS, OBJECT_STORE, OUTBOX_RELAY } from '../common/tokens';
import { spoolUpload, type SpooledUpload } from '../common/multipart-upload';
import { toPlateView } from './views';

const VIDEO_CONTENT_TYPE = 'video/mp4';

@Injectable()
export class UploadsService {
  constructor(
    private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @Inject(MEDIA_TOOLS) private readonly tools: MediaTools,
    @Inject(OUTBOX_RELAY) private readonly relay: OutboxRelay | null,
  ) {}

  /**
   * Probes the upload before anything is stored: a file that is not a video
   * is rejected with the reason and leaves nothing behind. Objects are keyed
   * by content hash, so a retried upload stores nothing twice.
   */
  async uploadMaster(campaignId: string, req: Request): Promise<void> {
    await this.withUpload(req, async (file) => {
      const probe = await probeVideo(this.tools, file.path, {
        displayName: file.filename,
        limits: { ...DEFAULT_INGEST_LIMITS, ...this.config.ingest, maxBytes: this.config.uploadMaxBytes },
      });
      const ext = path.extname(file.filename).toLowerCase().replace(/[^.a-z0-9]/g, '') || '.mp4';
      const key = `masters/${file.sha256}${ext}`;
      const thumbKey = `masters/${file.sha256}-thumb.jpg`;
      const work = await mkdtemp(path.join(this.config.workDir, 'thumb-'));
      try {
        const thumb = path.join(work, 'thumb.jpg');
        await runFfmpeg(this.tools, buildStillArgs({ inputPath: file.path, atS: probe.durationS / 2, width: 480, outputPath: thumb }));
        await this.store.putFile(key, file.path, ext === '.mp4' ? VIDEO_CONTENT_TYPE : undefined);
        await this.store.putFile(thumbKey, thumb, 'image/jpeg');
      } finally {
        await rm(work, { recursive: true, force: true });
      }
      await this.db.transaction(async (tx) => {
        // The previous master stays on record; only the current one renders.
        await tx.update(MasterShotEntity, { campaignId, isCurrent: true }, { isCurrent: false });
        await tx.insert(MasterShotEntity, {
          campaignId,
          filename: file.filename,
          storageKey: key,
          thumbnailKey: thumbKey,
          sha256: file.sha256,
          sizeBytes: file.sizeBytes,
          width: probe.width,
          height: probe.height,
          fpsFraction: probe.fpsFraction,
          fps: probe.fps,
          frameCount: probe.frameCount,
          durationS: probe.durationS,
          hasAudio: probe.hasAudio,
          codec: probe.codec,
          isCurrent: true,
        });
        // Analysed once per content and analyser version: re-uploading the same master reuses it.
        await ensureAnalysis(tx, file.sha256, ANALYSER_VERSION);
      });
      void this.relay?.kick();
    });
  }

  async uploadPlate(campaignId: string, req: Request): Promise<PlateView> {
    return this.withUpload(req, async (file) => {
      const probe = await probeImage(this.tools, file.path, { displayName: file.filename });
      const ext = ({ mjpeg: '.jpg', png: '.png', webp: '.webp' } as Record<string, string>)[probe.codec] ?? '.img';
      const key = `plates/${file.sha256}${ext}`;
      await this.store.putFile(key, file.path);
      const saved = await this.db.getRepository(PlateEntity).save({
        campaignId,
        filename: file.filename,
        storageKey: key,
        sha256: file.sha256,
        width: probe.width,
        height: probe.height,
      });
      return toPlateView(saved);
    });
  }

  private async withUpload<T>(req: Request, use: (file: SpooledUpload) => Promise<T>): Promise<T> {
    const file = await spoolUpload(req, { dir: this.config.workDir, maxBytes: this.config.uploadMaxBytes, field: 'file' });
    try {
      // Probes name the file by what the producer uploaded (displayName), not by its spool path.
      return await use(file);
    } finally {
      await file.discard();
    }
  }
}
