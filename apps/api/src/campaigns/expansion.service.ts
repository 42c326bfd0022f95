import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { cellId, DomainError, renderKey } from '@shotmatrix/domain';
import {
  MasterShotEntity,
  RenderJobEntity,
  VariantEntity,
  type VariantRenderParams,
} from '@shotmatrix/persistence';
import { enqueueRender, type RenderQueue } from '@shotmatrix/queue';
import { RENDER_QUEUE } from '../common/tokens';
import { MatrixService } from './matrix.service';

export interface ExpansionResult {
  cells: number;
  queued: number;
  unchanged: number;
  removed: number;
}

@Injectable()
export class ExpansionService {
  private readonly log = new Logger(ExpansionService.name);

  constructor(
    private readonly db: DataSource,
    private readonly matrix: MatrixService,
    @Inject(RENDER_QUEUE) private readonly queue: RenderQueue,
  ) {}

  /**
   * Makes the variants match the matrix: one per cell. A cell whose render
   * key is unchanged and not failed keeps its render; new or changed cells
   * get a fresh render job. Cells no longer in the matrix lose their variant
   * row (their rendered files stay in storage).
   */
  async expand(campaignId: string): Promise<ExpansionResult> {
    const master = await this.db.getRepository(MasterShotEntity).findOneBy({ campaignId, isCurrent: true });
    if (!master) throw new DomainError('MASTER_MISSING', 'upload a master shot before expanding the matrix', 'conflict');
    const matrix = await this.matrix.load(campaignId);
    if (!matrix) throw new DomainError('MATRIX_MISSING', 'define the matrix before expanding it', 'conflict');
    const { cells, templates, plates } = await this.matrix.check(campaignId, matrix);

    const planned = cells.map((cell) => {
      const template = templates.get(cell.label.template)!;
      const plate = cell.background.plateId ? plates.get(cell.background.plateId)! : null;
      const params: VariantRenderParams = {
        masterShotId: master.id,
        template: template.name,
        fields: cell.fields,
        locale: cell.market.locale,
        plateId: plate?.id ?? null,
      };
      const key = renderKey({
        masterSha256: master.sha256,
        templateName: template.name,
        templateSha256: createHash('sha256').update(template.source).digest('hex'),
        fields: cell.fields,
        locale: cell.market.locale,
        plateSha256: plate?.sha256 ?? null,
      });
      return { cell, params, key };
    });

    const toEnqueue: Array<{ jobId: string; variantId: string; renderKey: string }> = [];
    let unchanged = 0;
    let removed = 0;
    await this.db.transaction(async (tx) => {
      const existing = await tx.find(VariantEntity, { where: { campaignId }, lock: { mode: 'pessimistic_write' } });
      const byCell = new Map(existing.map((v) => [`${v.marketCode}/${v.labelCode}/${v.backgroundCode}`, v]));
      const keep = new Set<string>();
      for (const { cell, params, key } of planned) {
        const id = cellId(cell);
        keep.add(id);
        let variant = byCell.get(id);
        if (variant && variant.renderKey === key && variant.status !== 'failed') {
          unchanged++;
          continue;
        }
        if (variant) {
          await tx.update(RenderJobEntity, { variantId: variant.id, status: In(['queued', 'active']) }, { status: 'superseded' });
          await tx.update(
            VariantEntity,
            { id: variant.id },
            { renderKey: key, params, status: 'queued', error: null, outputKey: null, thumbnailKey: null, frameCount: null, durationS: null },
          );
        } else {
          variant = await tx.save(
            tx.create(VariantEntity, {
              campaignId,
              marketCode: cell.market.code,
              labelCode: cell.label.code,
              backgroundCode: cell.background.code,
              renderKey: key,
              params,
              status: 'queued',
              error: null,
            }),
          );
        }
        const job = await tx.save(tx.create(RenderJobEntity, { variantId: variant.id, renderKey: key, status: 'queued' }));
        toEnqueue.push({ jobId: job.id, variantId: variant.id, renderKey: key });
      }
      const stale = existing.filter((v) => !keep.has(`${v.marketCode}/${v.labelCode}/${v.backgroundCode}`));
      if (stale.length) {
        await tx.delete(VariantEntity, { campaignId, id: In(stale.map((v) => v.id)) });
        removed = stale.length;
      }
    });

    // Enqueued after commit so a worker never sees a job whose rows are not
    // yet visible. A crash in between leaves queued rows without jobs; the
    // outbox and reconciler (next milestone) close that gap.
    for (const j of toEnqueue) await enqueueRender(this.queue, j.jobId, { variantId: j.variantId, renderKey: j.renderKey });
    this.log.log(`campaign ${campaignId}: ${cells.length} cells, ${toEnqueue.length} queued, ${unchanged} unchanged, ${removed} removed`);
    return { cells: cells.length, queued: toEnqueue.length, unchanged, removed };
  }
}
