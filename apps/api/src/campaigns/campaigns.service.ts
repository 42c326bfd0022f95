import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { CampaignSummaryView, CampaignView, MatrixInput } from '@shotmatrix/contracts';
import { notFound } from '@shotmatrix/domain';
import { CampaignEntity, MasterShotEntity, PlateEntity, VariantEntity } from '@shotmatrix/persistence';
import { MatrixService } from './matrix.service';
import { countStatuses, toMasterView, toPlateView, toVariantView } from './views';

@Injectable()
export class CampaignsService {
  constructor(
    private readonly db: DataSource,
    private readonly matrix: MatrixService,
  ) {}

  async create(name: string): Promise<CampaignView> {
    const saved = await this.db.getRepository(CampaignEntity).save({ name });
    return this.view(saved.id);
  }

  async require(id: string): Promise<CampaignEntity> {
    const campaign = isUuid(id) ? await this.db.getRepository(CampaignEntity).findOneBy({ id }) : null;
    if (!campaign) throw notFound('campaign', id);
    return campaign;
  }

  async list(): Promise<CampaignSummaryView[]> {
    const campaigns = await this.db.getRepository(CampaignEntity).find({ order: { createdAt: 'DESC' } });
    const counts: Array<{ campaign_id: string; status: string; n: string }> = await this.db.query(
      'SELECT campaign_id, status, count(*) AS n FROM variant GROUP BY campaign_id, status',
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
    const [master, plates, variants, matrix] = await Promise.all([
      this.db.getRepository(MasterShotEntity).findOneBy({ campaignId: id, isCurrent: true }),
      this.db.getRepository(PlateEntity).find({ where: { campaignId: id }, order: { createdAt: 'ASC' } }),
      this.db.getRepository(VariantEntity).find({
        where: { campaignId: id },
        order: { marketCode: 'ASC', labelCode: 'ASC', backgroundCode: 'ASC' },
      }),
      this.matrix.load(id),
    ]);
    const order = matrix ? cellOrder(matrix) : null;
    if (order) variants.sort((a, b) => order(a) - order(b));
    return {
      id: campaign.id,
      name: campaign.name,
      createdAt: campaign.createdAt.toISOString(),
      hasMaster: !!master,
      counts: countStatuses(variants.map((v) => ({ status: v.status, n: 1 }))),
      master: master ? toMasterView(master) : null,
      plates: plates.map(toPlateView),
      matrix,
      variants: variants.map(toVariantView),
    };
  }
}

/** Sorts variants in the producer's order of markets, labels and backgrounds. */
function cellOrder(m: MatrixInput) {
  const idx = (list: Array<{ code: string }>) => new Map(list.map((v, i) => [v.code, i]));
  const [mi, li, bi] = [idx(m.markets), idx(m.labels), idx(m.backgrounds)];
  const n = (map: Map<string, number>, code: string) => map.get(code) ?? 999;
  return (v: VariantEntity) => (n(mi, v.marketCode) * 1000 + n(li, v.labelCode)) * 1000 + n(bi, v.backgroundCode);
}

export const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
