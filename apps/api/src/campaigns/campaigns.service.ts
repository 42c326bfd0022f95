import { Inject, Injectable } from '@nestjs/common';
import type { MediaSigner } from '@shotmatrix/auth';
import { DataSource } from 'typeorm';
import type { CampaignSummaryView, CampaignView, MatrixInput } from '@shotmatrix/contracts';
import { isUuid, notFound } from '@shotmatrix/domain';
import { CampaignEntity, LutEntity, MasterShotEntity, PlateEntity } from '@shotmatrix/persistence';
import { MastersService } from '../masters/masters.service';
import { AuditService } from '../audit/audit.service';
import { MEDIA_SIGNER } from '../common/tokens';
import { countStatuses, toLutView, toPlateView, toVariantView, VARIANT_ROWS_SQL, type VariantRow } from './views';

@Injectable()
export class CampaignsService {
  constructor(
    private readonly db: DataSource,
    private readonly masters: MastersService,
    @Inject(MEDIA_SIGNER) private readonly signer: MediaSigner,
    private readonly audit: AuditService,
  ) {}

  /** Signs stored keys into short-lived media URLs. */
  readonly mediaUrl = (key: string) => this.signer.url(key);

  /** `via`: how it was made (the audit log's action), e.g. 'campaign.create' or 'campaign.import'. */
  async create(name: string, matrix: MatrixInput | null = null, via = 'campaign.create'): Promise<string> {
    return this.db.transaction(async (tx) => {
      const saved = await tx.getRepository(CampaignEntity).save({ name, matrix });
      await this.audit.record({ action: via, entity: 'campaign', entityId: saved.id, campaignId: saved.id, after: { name, matrix } }, tx);
      return saved.id;
    });
  }

  async require(id: string): Promise<CampaignEntity> {
    const campaign = isUuid(id) ? await this.db.getRepository(CampaignEntity).findOneBy({ id }) : null;
    if (!campaign) throw notFound('campaign', id);
    return campaign;
  }

  async list(): Promise<CampaignSummaryView[]> {
    const campaigns = await this.db.getRepository(CampaignEntity).find({ order: { createdAt: 'DESC' }, select: { id: true, name: true, createdAt: true } });
    const counts: Array<{ campaign_id: string; status: string; n: string }> = await this.db.query(
      'SELECT v.campaign_id, r.status, count(*) AS n FROM variant v JOIN render r ON r.render_key = v.render_key GROUP BY 1, 2',
    );
    const masters: Array<{ campaign_id: string }> = await this.db.query('SELECT campaign_id FROM master_shot WHERE is_current');
    const withMaster = new Set(masters.map((m) => m.campaign_id));
    return campaigns.map((c) => ({
      id: c.id,
      name: c.name,
      createdAt: c.createdAt.toISOString(),
      hasMaster: withMaster.has(c.id),
      counts: countStatuses(counts.filter((r) => r.campaign_id === c.id).map((r) => ({ status: r.status, n: Number(r.n) }))),
    }));
  }

  async view(id: string): Promise<CampaignView> {
    const campaign = await this.require(id);
    const [master, plates, luts, rows] = await Promise.all([
      this.db.getRepository(MasterShotEntity).findOneBy({ campaignId: id, isCurrent: true }),
      this.db.getRepository(PlateEntity).find({ where: { campaignId: id }, order: { createdAt: 'ASC' } }),
      this.db.getRepository(LutEntity).find({ where: { campaignId: id }, order: { name: 'ASC' } }),
      this.variantRows('v.campaign_id = $1', [id]),
    ]);
    const matrix = campaign.matrix;
    if (matrix) {
      const order = cellOrder(matrix);
      rows.sort((a, b) => order(a.coords) - order(b.coords) || (a.cell_key < b.cell_key ? -1 : 1));
    }
    return {
      id: campaign.id,
      name: campaign.name,
      version: campaign.version,
      createdAt: campaign.createdAt.toISOString(),
      hasMaster: !!master,
      counts: countStatuses(rows.map((v) => ({ status: v.status, n: 1 }))),
      master: master ? await this.masters.view(master) : null,
      plates: plates.map(toPlateView(this.mediaUrl)),
      luts: luts.map(toLutView),
      matrix,
      variants: rows.map(toVariantView(this.mediaUrl)),
    };
  }

  variantRows(where: string, params: unknown[]): Promise<VariantRow[]> {
    return this.db.query(`${VARIANT_ROWS_SQL} WHERE ${where}`, params);
  }
}

/** Sorts variants in the producer's order of markets, labels and backgrounds. */
function cellOrder(m: MatrixInput) {
  const idx = (list: Array<{ code: string }>) => new Map(list.map((v, i) => [v.code, i]));
  const [mi, li, bi] = [idx(m.markets), idx(m.labels), idx(m.backgrounds)];
  const n = (map: Map<string, number>, code: string) => map.get(code) ?? 999;
  return (c: Record<string, string>) => (n(mi, c.market) * 1000 + n(li, c.label)) * 1000 + n(bi, c.background);
}

