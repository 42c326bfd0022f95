import { Inject, Injectable } from '@nestjs/common';
import { DataSource, In, type EntityManager } from 'typeorm';
import { matrixSchema, type MatrixInput } from '@shotmatrix/contracts';
import { compositeSettings, DomainError, expandMatrix, type MatrixCell } from '@shotmatrix/domain';
import { CampaignEntity, LutEntity, PlateEntity } from '@shotmatrix/persistence';
import { checkFields, TemplateRegistry, type LabelTemplate } from '@shotmatrix/templating';
import { AuditService } from '../audit/audit.service';
import { TEMPLATES } from '../common/tokens';
import { parseBody } from '../common/zod-body';
import { claimVersion } from './campaign-version';

export interface CheckedMatrix {
  matrix: MatrixInput;
  cells: MatrixCell[];
  templates: Map<string, LabelTemplate>;
  plates: Map<string, PlateEntity>;
  /** By name, as markets refer to them. */
  luts: Map<string, LutEntity>;
}

@Injectable()
export class MatrixService {
  constructor(
    private readonly db: DataSource,
    @Inject(TEMPLATES) private readonly templates: TemplateRegistry,
    private readonly audit: AuditService,
  ) {}

  /** Validates, then replaces the matrix if `version` is still current: a bad or stale edit changes nothing. */
  async save(campaignId: string, body: unknown, version: number, name?: string): Promise<void> {
    const matrix = parseBody(matrixSchema, body);
    await this.check(campaignId, matrix);
    await this.db.transaction(async (tx) => {
      await claimVersion(tx, campaignId, version);
      await this.write(tx, campaignId, matrix, name);
    });
  }

  /** Writes an already checked matrix inside the caller's transaction. */
  async write(tx: EntityManager, campaignId: string, matrix: MatrixInput, name?: string): Promise<void> {
    const [before]: Array<{ name: string; matrix: unknown }> = await tx.query(`SELECT name, matrix FROM campaign WHERE id = $1`, [campaignId]);
    // Raw SQL: TypeORM's deep-partial typing trips over the matrix's index signatures.
    await tx.query(`UPDATE campaign SET matrix = $2, name = coalesce($3, name), updated_at = now() WHERE id = $1`, [
      campaignId,
      JSON.stringify(matrix),
      name ?? null,
    ]);
    await this.audit.record(
      { action: 'matrix.save', entity: 'campaign', entityId: campaignId, campaignId, before, after: { name: name ?? before?.name, matrix } },
      tx,
    );
  }

  async load(campaignId: string): Promise<MatrixInput | null> {
    const c = await this.db.getRepository(CampaignEntity).findOne({ where: { id: campaignId }, select: { id: true, matrix: true } });
    return c?.matrix ? matrixSchema.parse(c.matrix) : null;
  }

  /**
   * Everything that can be known wrong before rendering: unknown markets or
   * codes, unknown templates, copy fields a template needs but no value
   * supplies, plates that are not this campaign's.
   */
  async check(campaignId: string | null, matrix: MatrixInput): Promise<CheckedMatrix> {
    const cells = expandMatrix(matrix);
    const templates = new Map<string, LabelTemplate>();
    const names = new Set(cells.map((c) => c.render.template));
    for (const name of names) templates.set(name, await this.templates.get(name));
    // Cells with equal fields and template need one check; large matrices repeat them a lot.
    const checked = new Set<string>();
    for (const cell of cells) {
      const sig = `${cell.render.template}\u0000${JSON.stringify(cell.render.fields)}`;
      if (checked.has(sig)) continue;
      checked.add(sig);
      try {
        checkFields(templates.get(cell.render.template)!, cell.render.fields);
      } catch (e) {
        if (e instanceof DomainError) {
          throw new DomainError(e.code, `market "${cell.market.code}", label "${cell.label.code}": ${e.message}`, e.kind);
        }
        throw e;
      }
    }
    // Compositing settings (choke, feather, grade amounts, outputs…) come from free parameters: check them once per distinct set.
    const settingsChecked = new Set<string>();
    // Packshots name plates by id; the first cell naming each is the one an error points at.
    const packshotCells = new Map<string, string>();
    // Effect layers too, with where in the cell's params they were named.
    const effectCells = new Map<string, string>();
    for (const cell of cells) {
      const sig = JSON.stringify(cell.render.params);
      if (settingsChecked.has(sig)) continue;
      settingsChecked.add(sig);
      const settings = compositeSettings(cell.render.params, `cell ${cell.key}: params`);
      if (settings.packshot && !packshotCells.has(settings.packshot)) packshotCells.set(settings.packshot, cell.key);
      settings.effects.forEach((fx, i) => {
        if (!effectCells.has(fx.plate)) effectCells.set(fx.plate, `cell ${cell.key}: params.effects[${i}].plate`);
      });
      for (const [i, sup] of settings.supers.entries()) {
        const t = templates.get(sup.template) ?? (await this.templates.get(sup.template));
        if (t.kind !== 'super') {
          throw new DomainError('MATRIX_BAD_SETTING', `cell ${cell.key}: params.supers[${i}].template: "${sup.template}" is a ${t.kind} template, not a super`);
        }
        templates.set(sup.template, t);
        try {
          checkFields(t, cell.render.fields);
        } catch (e) {
          if (e instanceof DomainError) throw new DomainError(e.code, `cell ${cell.key}: params.supers[${i}]: ${e.message}`, e.kind);
          throw e;
        }
      }
    }
    // Backgrounds and packshots both name this campaign's plates: one query finds them all.
    const backgroundPlates = [...new Set(matrix.backgrounds.flatMap((b) => (b.plateId ? [b.plateId] : [])))];
    const plateIds = [...new Set([...backgroundPlates, ...packshotCells.keys(), ...effectCells.keys()])];
    const plates = new Map<string, PlateEntity>();
    if (plateIds.length && campaignId) {
      for (const p of await this.db.getRepository(PlateEntity).findBy({ id: In(plateIds), campaignId })) plates.set(p.id, p);
    }
    const missing = matrix.backgrounds.find((b) => b.plateId && !plates.has(b.plateId));
    if (missing) {
      throw new DomainError('MATRIX_UNKNOWN_PLATE', `background "${missing.code}" uses plate ${missing.plateId}, which was not uploaded to this campaign`);
    }
    for (const [id, cellKey] of packshotCells) {
      const plate = plates.get(id);
      if (!plate) {
        throw new DomainError('MATRIX_UNKNOWN_PACKSHOT', `cell ${cellKey}: params.packshot: ${id} is not an image uploaded to this campaign (upload it as a plate first)`);
      }
      if (plate.kind !== 'image') {
        throw new DomainError('MATRIX_BAD_SETTING', `cell ${cellKey}: params.packshot: "${plate.filename}" is a video; a packshot is a still image (a PNG with alpha)`);
      }
    }
    for (const [id, where] of effectCells) {
      const plate = plates.get(id);
      if (!plate) throw new DomainError('MATRIX_UNKNOWN_PLATE', `${where}: ${id} is not an image uploaded to this campaign (upload it as a plate first)`);
      if (plate.kind !== 'image') throw new DomainError('MATRIX_BAD_SETTING', `${where}: "${plate.filename}" is a video; an effect layer is a still image (a PNG with alpha)`);
    }
    const lutNames = [...new Set(matrix.markets.flatMap((m) => (m.lut ? [m.lut] : [])))];
    const luts = new Map<string, LutEntity>();
    if (lutNames.length) {
      const found = campaignId ? await this.db.getRepository(LutEntity).findBy({ name: In(lutNames), campaignId }) : [];
      for (const l of found) luts.set(l.name, l);
      const i = matrix.markets.findIndex((m) => m.lut && !luts.has(m.lut));
      if (i >= 0) {
        throw new DomainError(
          'MATRIX_UNKNOWN_LUT',
          `markets[${i}].lut: "${matrix.markets[i].lut}" is not a LUT of this campaign; upload the .cube to /api/campaigns/:id/luts?name=${matrix.markets[i].lut}`,
        );
      }
    }
    return { matrix, cells, templates, plates, luts };
  }
}
