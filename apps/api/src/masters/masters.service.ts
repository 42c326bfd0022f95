import type { MediaSigner } from '@shotmatrix/auth';
import { Inject, Injectable } from '@nestjs/common';
import * as path from 'node:path';
import { DataSource, In } from 'typeorm';
import type { AppConfig } from '@shotmatrix/config';
import { keyframesBodySchema, type KeyframesView, type MasterShotView, type PlaneTrackView } from '@shotmatrix/contracts';
import { ANALYSER_VERSION, checkKeyframes, DomainError, planeSeeds } from '@shotmatrix/domain';
import { grabFrame, type MediaTools } from '@shotmatrix/media';
import { AnalysisEntity, ensurePlaneTracks, MasterShotEntity, PlaneTrackEntity } from '@shotmatrix/persistence';
import type { ObjectStore } from '@shotmatrix/storage';
import { parseIfMatch } from '../campaigns/campaign-version';
import { APP_CONFIG, MEDIA_TOOLS, OBJECT_STORE, OUTBOX_RELAY, MEDIA_SIGNER } from '../common/tokens';
import { parseBody } from '../common/zod-body';
import { toMasterView } from '../campaigns/views';
import { AuditService } from '../audit/audit.service';
import type { OutboxRelay } from '@shotmatrix/dispatch';
import { LocalCopies } from './local-copies';

/** The master shot page: its analysis with plane tracks, its keyframes, and single frames on demand. */
@Injectable()
export class MastersService {
  private readonly copies: LocalCopies;

  constructor(
    private readonly db: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(OBJECT_STORE) store: ObjectStore,
    @Inject(MEDIA_TOOLS) private readonly tools: MediaTools,
    @Inject(OUTBOX_RELAY) private readonly relay: OutboxRelay | null,
    @Inject(MEDIA_SIGNER) private readonly signer: MediaSigner,
    private readonly audit: AuditService,
  ) {
    this.copies = new LocalCopies(store, path.join(config.workDir, 'api-analysis-cache'));
  }

  async current(campaignId: string): Promise<MasterShotEntity> {
    const master = await this.db.getRepository(MasterShotEntity).findOneBy({ campaignId, isCurrent: true });
    if (master) return master;
    const exists = await this.db.query(`SELECT 1 FROM campaign WHERE id = $1`, [campaignId]);
    if (!exists.length) throw new DomainError('NOT_FOUND', `campaign ${campaignId} does not exist`, 'not-found');
    throw new DomainError('NO_MASTER', 'this campaign has no master shot yet; upload one first', 'not-found');
  }

  currentBySha(sha256: string): Promise<MasterShotEntity[]> {
    return this.db.getRepository(MasterShotEntity).findBy({ sha256, isCurrent: true });
  }

  analysisOf(master: MasterShotEntity): Promise<AnalysisEntity | null> {
    return this.db.getRepository(AnalysisEntity).findOneBy({ masterSha256: master.sha256, analyserVersion: ANALYSER_VERSION });
  }

  /** The master with its analysis and the tracks of its current label planes. */
  async view(master: MasterShotEntity, analysis?: AnalysisEntity | null): Promise<MasterShotView> {
    const a = analysis === undefined ? await this.analysisOf(master) : analysis;
    const planes = a ? await this.planeViews(a.id, master) : [];
    return toMasterView((key) => this.signer.url(key), master, a, planes);
  }

  private async planeViews(analysisId: string, master: MasterShotEntity): Promise<PlaneTrackView[]> {
    const seeds = planeSeeds(master.keyframes ?? []);
    if (!seeds.length) return [];
    const rows = await this.db.getRepository(PlaneTrackEntity).findBy({ analysisId, seedsHash: In(seeds.map((s) => s.seedsHash)) });
    return seeds.map((s) => {
      const row = rows.find((r) => r.plane === s.plane && r.seedsHash === s.seedsHash);
      return {
        plane: s.plane,
        status: !row ? 'queued' : row.status === 'waiting' ? 'queued' : row.status,
        error: row?.error ?? null,
        trackUrl: row?.status === 'done' && row.resultKey ? this.signer.url(row.resultKey) : null,
      };
    });
  }

  async keyframes(campaignId: string): Promise<KeyframesView> {
    const m = await this.current(campaignId);
    return { version: m.keyframesVersion, keyframes: m.keyframes };
  }

  /**
   * Replaces the master's keyframes. Only label planes whose seed quads
   * changed are tracked again; locks and marks re-run nothing (QC and the
   * renderer read them), and mattes and camera motion are never touched.
   */
  async putKeyframes(campaignId: string, ifMatch: string | undefined, body: unknown): Promise<KeyframesView & { retracked: string[] }> {
    const expected = parseIfMatchKeyframes(ifMatch);
    const { keyframes } = parseBody(keyframesBodySchema, body);
    const master = await this.current(campaignId);
    const checked = checkKeyframes(keyframes, master);
    const result = await this.db.transaction(async (tx) => {
      const [rows]: [Array<{ keyframes_version: number }>, number] = await tx.query(
        `UPDATE master_shot SET keyframes = $3, keyframes_version = keyframes_version + 1
         WHERE id = $1 AND keyframes_version = $2 AND is_current RETURNING keyframes_version`,
        [master.id, expected, JSON.stringify(checked)],
      );
      if (rows.length !== 1) {
        const [cur]: Array<{ keyframes_version: number }> = await tx.query(`SELECT keyframes_version FROM master_shot WHERE id = $1`, [master.id]);
        throw new DomainError(
          'VERSION_CONFLICT',
          `the keyframes were changed by someone else (version ${cur?.keyframes_version} is current, your edit was based on ${expected}); reload and try again`,
          'conflict',
        );
      }
      await this.audit.record(
        { action: 'keyframes.save', entity: 'master_shot', entityId: master.id, campaignId, before: master.keyframes, after: checked },
        tx,
      );
      const analysis = await this.analysisOf(master);
      const retracked = analysis ? await ensurePlaneTracks(tx, analysis.id, planeSeeds(checked)) : [];
      return { version: rows[0].keyframes_version, keyframes: checked, retracked };
    });
    if (result.retracked.length) void this.relay?.kick().catch(() => undefined);
    return result;
  }

  /** Frame n of the master (JPEG) or of its matte (grey PNG), exactly that frame. */
  async frame(campaignId: string, n: number, layer: 'frame' | 'matte', maxWidth?: number): Promise<{ body: Buffer; contentType: string }> {
    const master = await this.current(campaignId);
    const analysis = await this.analysisOf(master);
    const r = analysis?.result as { mezzanineKey?: string; matteKey?: string; frameCount?: number; mezzanine?: { fpsFraction: string } } | null;
    if (analysis?.status !== 'done' || !r?.mezzanineKey || !r.mezzanine) {
      throw new DomainError('ANALYSIS_NOT_READY', `frames are served once the master's analysis is done (it is ${analysis?.status ?? 'not started'})`, 'conflict');
    }
    if (!Number.isInteger(n) || n < 0 || n >= (r.frameCount ?? 0)) {
      throw new DomainError('FRAME_OUT_OF_RANGE', `frame ${n} does not exist: the master has frames 0–${(r.frameCount ?? 0) - 1}`, 'not-found');
    }
    const key = layer === 'matte' ? r.matteKey : r.mezzanineKey;
    if (!key) throw new DomainError('NO_MATTE', 'this analysis has no matte', 'not-found');
    const file = await this.copies.get(key);
    const format = layer === 'matte' ? 'png' : 'jpeg';
    const body = await grabFrame(this.tools, file, { frame: n, fpsFraction: r.mezzanine.fpsFraction, format, maxWidth });
    return { body, contentType: format === 'png' ? 'image/png' : 'image/jpeg' };
  }
}

function parseIfMatchKeyframes(h: string | undefined): number {
  if (!h) {
    throw new DomainError('VERSION_REQUIRED', 'send the keyframes version you edited as an If-Match header (If-Match: "<version>")', 'precondition-required');
  }
  return parseIfMatch(h);
}
