import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { matrixSchema, type MatrixInput } from '@shotmatrix/contracts';
import { DomainError, expandMatrix, type MatrixCell } from '@shotmatrix/domain';
import { DimensionValueEntity, PlateEntity, type DimensionName } from '@shotmatrix/persistence';
import { checkFields, TemplateRegistry, type LabelTemplate } from '@shotmatrix/templating';
import { TEMPLATES } from '../common/tokens';
import { parseBody } from '../common/zod-body';

export interface CheckedMatrix {
  matrix: MatrixInput;
  cells: MatrixCell[];
  templates: Map<string, LabelTemplate>;
  plates: Map<string, PlateEntity>;
}

@Injectable()
export class MatrixService {
  constructor(
    private readonly db: DataSource,
    @Inject(TEMPLATES) private readonly templates: TemplateRegistry,
  ) {}

  /** Validates and replaces a campaign's matrix in one transaction: a bad matrix changes nothing. */
  async save(campaignId: string, body: unknown): Promise<void> {
    const matrix = parseBody(matrixSchema, body);
    await this.check(campaignId, matrix);
    await this.db.transaction(async (tx) => {
      await tx.delete(DimensionValueEntity, { campaignId });
      const rows: Array<Omit<DimensionValueEntity, 'id'>> = [];
      const add = (dimension: DimensionName, values: Array<{ code: string }>) =>
        values.forEach((v, position) => rows.push({ campaignId, dimension, code: v.code, position, params: v }));
      add('market', matrix.markets);
      add('label', matrix.labels);
      add('background', matrix.backgrounds);
      await tx.save(tx.create(DimensionValueEntity, rows));
    });
  }

  async load(campaignId: string): Promise<MatrixInput | null> {
    const rows = await this.db.getRepository(DimensionValueEntity).find({ where: { campaignId }, order: { position: 'ASC' } });
    if (rows.length === 0) return null;
    const of = (d: DimensionName) => rows.filter((r) => r.dimension === d).map((r) => r.params);
    return matrixSchema.parse({ markets: of('market'), labels: of('label'), backgrounds: of('background') });
  }

  /**
   * Everything that can be known wrong before rendering: unknown markets,
   * unknown templates, copy fields a template needs but no market supplies,
   * plates that are not this campaign's.
   */
  async check(campaignId: string, matrix: MatrixInput): Promise<CheckedMatrix> {
    const cells = expandMatrix(matrix);
    const templates = new Map<string, LabelTemplate>();
    for (const label of matrix.labels) {
      if (!templates.has(label.template)) templates.set(label.template, await this.templates.get(label.template));
    }
    for (const cell of cells) {
      const template = templates.get(cell.label.template) as LabelTemplate;
      try {
        checkFields(template, cell.fields);
      } catch (e) {
        if (e instanceof DomainError) {
          throw new DomainError(e.code, `market "${cell.market.code}", label "${cell.label.code}": ${e.message}`, e.kind);
        }
        throw e;
      }
    }
    const plateIds = matrix.backgrounds.flatMap((b) => (b.plateId ? [b.plateId] : []));
    const plates = new Map<string, PlateEntity>();
    if (plateIds.length) {
      const found = await this.db.getRepository(PlateEntity).findBy(plateIds.map((id) => ({ id, campaignId })));
      for (const p of found) plates.set(p.id, p);
      const missing = matrix.backgrounds.find((b) => b.plateId && !plates.has(b.plateId));
      if (missing) {
        throw new DomainError('MATRIX_UNKNOWN_PLATE', `background "${missing.code}" uses plate ${missing.plateId}, which was not uploaded to this campaign`);
      }
    }
    return { matrix, cells, templates, plates };
  }
}
