import type { MediaSigner } from '@shotmatrix/auth';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import type { Request } from 'express';
import { DataSource } from 'typeorm';
import type { AppConfig } from '@shotmatrix/config';
import type { LutView, PlateView } from '@shotmatrix/contracts';
import { ANALYSER_VERSION, checkCubeLut, DomainError } from '@shotmatrix/domain';
import { buildStillArgs, DEFAULT_INGEST_LIMITS, probeImage, probeVideo, runFfmpeg, type MediaTools } from '@shotmatrix/media';
import { ensureAnalysis, LutEntity, MasterShotEntity, PlateEntity } from '@shotmatrix/persistence';
import { S3Source, type ObjectStore } from '@shotmatrix/storage';
import type { OutboxRelay } from '@shotmatrix/dispatch';
import { APP_CONFIG, MEDIA_TOOLS, OBJECT_STORE, OUTBOX_RELAY, MEDIA_SIGNER } from '../common/tokens';
import { sanitiseFilename, spoolUpload, type SpooledUpload } from '../common/multipart-upload';
import { toLutView, toPlateView } from './views';
import { AuditService } from '../audit/audit.service';

const VIDEO_CONTENT_TYPE = 'video/mp4';
/** A 65³ float .cube is about 7 MB; anything far beyond is not a grade. */
const MAX_LUT_BYTES = 64 * 1024 * 1024;

/** A master's bytes in a local file, hashed on the way in, whichever way they arrived. */
type LocalMaster = Pick<SpooledUpload, 'filename' | 'path' | 'sizeBytes' | 'sha256'>;

@Injectable()
export class UploadsService implements OnModuleDestroy {
  /** Null when no ingest bucket is configured; requests for it are then refused, never faked. */
  private readonly source: S3Source | null;

  constructor(
    private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @Inject(MEDIA_TOOLS) private readonly tools: MediaTools,
    @Inject(OUTBOX_RELAY) private readonly relay: OutboxRelay | null,
    @Inject(MEDIA_SIGNER) private readonly signer: MediaSigner,
    private readonly audit: AuditService,
  ) {
    this.source = config.ingestS3 ? new S3Source(config.ingestS3) : null;
  }

  onModuleDestroy(): void {
    this.source?.destroy();
  }

  /** The master from a streamed multipart upload. */
  async uploadMaster(campaignId: string, req: Request): Promise<void> {
    await this.withUpload(req, (file) => this.ingestMaster(campaignId, file, file.filename, { kind: 'upload' }));
  }

  /**
   * The master from an object already in the ingest bucket, streamed to a
   * temp file (the size is checked before and while it downloads) and then
   * taken exactly like an upload.
   */
  async ingestMasterFromS3(campaignId: string, input: { key: string; bucket?: string }): Promise<void> {
    const source = this.source;
    if (!source) {
      throw new DomainError(
        'INGEST_S3_NOT_CONFIGURED',
        'ingest from S3 is not configured: set INGEST_S3_BUCKET (with INGEST_S3_ENDPOINT and credentials when it is not the storage S3 service), or run with STORAGE=s3',
        'conflict',
      );
    }
    // One bucket only: reading any bucket the credentials can reach would let a request pick what the server reads.
    if (input.bucket !== undefined && input.bucket !== source.bucket) {
      throw new DomainError(
        'INGEST_BUCKET_NOT_ALLOWED',
        `bucket "${input.bucket}" is not the ingest bucket: masters are read only from "${source.bucket}" (INGEST_S3_BUCKET)`,
      );
    }
    await mkdir(this.config.workDir, { recursive: true });
    const target = path.join(this.config.workDir, `ingest-${randomUUID()}`);
    try {
      const fetched = await source.fetchToFile(input.key, target, { maxBytes: this.config.uploadMaxBytes });
      const file = { filename: sanitiseFilename(path.posix.basename(input.key)), path: target, ...fetched };
      await this.ingestMaster(campaignId, file, source.describe(input.key), { kind: 's3', bucket: source.bucket, key: input.key });
    } finally {
      await rm(target, { force: true });
    }
  }

  /**
   * Every master takes this path once its bytes are local. It is probed
   * before anything is stored, so a file that is not a usable video is
   * refused with the reason; objects are keyed by content hash, so a retry
   * stores nothing twice; and objects this call added are removed again if
   * the master is not recorded, so a failure leaves nothing behind.
   */
  private async ingestMaster(
    campaignId: string,
    file: LocalMaster,
    displayName: string,
    origin: { kind: 'upload' } | { kind: 's3'; bucket: string; key: string },
  ): Promise<void> {
    const probe = await probeVideo(this.tools, file.path, {
      displayName,
      limits: { ...DEFAULT_INGEST_LIMITS, ...this.config.ingest, maxBytes: this.config.uploadMaxBytes },
    });
    const ext = path.extname(file.filename).toLowerCase().replace(/[^.a-z0-9]/g, '') || '.mp4';
    const key = `masters/${file.sha256}${ext}`;
    const thumbKey = `masters/${file.sha256}-thumb.jpg`;
    const added: string[] = [];
    try {
      const work = await mkdtemp(path.join(this.config.workDir, 'thumb-'));
      try {
        const thumb = path.join(work, 'thumb.jpg');
        await runFfmpeg(this.tools, buildStillArgs({ inputPath: file.path, atS: probe.durationS / 2, width: 480, outputPath: thumb }));
        if (await this.putIfAbsent(key, file.path, ext === '.mp4' ? VIDEO_CONTENT_TYPE : undefined)) added.push(key);
        if (await this.putIfAbsent(thumbKey, thumb, 'image/jpeg')) added.push(thumbKey);
      } finally {
        await rm(work, { recursive: true, force: true });
      }
      await this.db.transaction(async (tx) => {
        // The previous master stays on record; only the current one renders.
        const [previous] = await tx.find(MasterShotEntity, { where: { campaignId, isCurrent: true }, select: { id: true, filename: true, sha256: true } });
        await tx.update(MasterShotEntity, { campaignId, isCurrent: true }, { isCurrent: false });
        const inserted = await tx.insert(MasterShotEntity, {
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
        await this.audit.record(
          {
            action: origin.kind === 'upload' ? 'master.upload' : 'master.from-s3',
            entity: 'master_shot',
            entityId: inserted.identifiers[0]?.id ?? null,
            campaignId,
            before: previous ?? null,
            after: { filename: file.filename, sha256: file.sha256, width: probe.width, height: probe.height, fps: probe.fps, frameCount: probe.frameCount, origin },
          },
          tx,
        );
      });
    } catch (e) {
      await this.removeUnrecorded(added);
      throw e;
    }
    void this.relay?.kick();
  }

  /**
   * Content-addressed keys: an object already there holds these very bytes
   * (perhaps another campaign's master), so it is neither uploaded again —
   * a 2 GB master is not copied twice — nor ours to remove on failure.
   */
  private async putIfAbsent(key: string, filePath: string, contentType?: string): Promise<boolean> {
    if (await this.store.head(key)) return false;
    await this.store.putFile(key, filePath, contentType);
    return true;
  }

  /** A concurrent ingest of the same content may have recorded the object meanwhile; only what no master names goes. */
  private async removeUnrecorded(keys: string[]): Promise<void> {
    for (const key of keys) {
      const recorded = await this.db
        .getRepository(MasterShotEntity)
        .exists({ where: [{ storageKey: key }, { thumbnailKey: key }] })
        // If the database cannot say (it may be why the transaction failed), keeping an orphan beats breaking a master.
        .catch(() => true);
      if (!recorded) await this.store.delete(key).catch(() => undefined);
    }
  }

  async uploadPlate(campaignId: string, req: Request): Promise<PlateView> {
    return this.withUpload(req, async (file) => {
      const image = await probeImage(this.tools, file.path, { displayName: file.filename }).catch((e: unknown) => {
        if (e instanceof DomainError && e.code === 'NOT_AN_IMAGE') return null;
        throw e;
      });
      // Not a still: a video plate, held to the same limits and hostile-input checks as a master.
      const video = image
        ? null
        : await probeVideo(this.tools, file.path, {
            displayName: file.filename,
            limits: { ...DEFAULT_INGEST_LIMITS, ...this.config.ingest, maxBytes: this.config.uploadMaxBytes },
          }).catch((e: unknown) => {
            if (e instanceof DomainError && e.kind === 'unsupported-media') {
              throw new DomainError('NOT_A_PLATE', `${file.filename} is neither a JPEG, PNG or WebP image nor a video plate: ${e.message}`, 'unsupported-media');
            }
            throw e;
          });
      const ext = image
        ? (({ mjpeg: '.jpg', png: '.png', webp: '.webp' } as Record<string, string>)[image.codec] ?? '.img')
        : path.extname(file.filename).toLowerCase().replace(/[^.a-z0-9]/g, '') || '.mp4';
      const key = `plates/${file.sha256}${ext}`;
      await this.store.putFile(key, file.path, ext === '.mp4' ? VIDEO_CONTENT_TYPE : undefined);
      const { width, height } = (image ?? video)!;
      const saved = await this.db.transaction(async (tx) => {
        const plate = await tx.getRepository(PlateEntity).save({
          campaignId,
          filename: file.filename,
          storageKey: key,
          sha256: file.sha256,
          width,
          height,
          kind: image ? 'image' : 'video',
          fpsFraction: video?.fpsFraction ?? null,
          frameCount: video?.frameCount ?? null,
        });
        const { storageKey: _k, campaignId: _c, ...after } = plate;
        await this.audit.record({ action: 'plate.upload', entity: 'plate', entityId: plate.id, campaignId, after }, tx);
        return plate;
      });
      return toPlateView((key) => this.signer.url(key))(saved);
    });
  }

  /**
   * A market grade (.cube), checked as ffmpeg will read it, stored by content.
   * Uploading under a name that exists replaces what the name points at; the
   * old file stays in storage (renders made with it keep their key), and the
   * next expansion gives the market's cells new keys.
   */
  async uploadLut(campaignId: string, name: string, req: Request): Promise<LutView> {
    if (!/^[a-z0-9][a-z0-9_-]{0,79}$/.test(name)) {
      throw new DomainError('LUT_BAD_NAME', 'name the LUT with ?name= using lower-case letters, digits, "-" and "_" (the name markets use in "lut")');
    }
    return this.withUpload(req, async (file) => {
      if (file.sizeBytes > MAX_LUT_BYTES) throw new DomainError('LUT_TOO_LARGE', `${file.filename} is ${file.sizeBytes} bytes; a .cube LUT may be at most ${MAX_LUT_BYTES}`, 'too-large');
      const info = checkCubeLut(await readFile(file.path, 'utf8'), file.filename);
      const key = `luts/${file.sha256}.cube`;
      await this.store.putFile(key, file.path, 'text/plain');
      return this.db.transaction(async (tx) => {
        const repo = tx.getRepository(LutEntity);
        const before = await repo.findOneBy({ campaignId, name });
        await repo.upsert({ campaignId, name, filename: file.filename, storageKey: key, sha256: file.sha256, size: info.size }, ['campaignId', 'name']);
        const after = toLutView(await repo.findOneByOrFail({ campaignId, name }));
        // Replacing a grade under the same name changes every market using it: the log says from which file to which.
        await this.audit.record({ action: 'lut.upload', entity: 'lut', entityId: after.id, campaignId, before: before ? toLutView(before) : null, after }, tx);
        return after;
      });
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
