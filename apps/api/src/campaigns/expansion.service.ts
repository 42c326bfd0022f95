import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ExpansionSummary } from '@shotmatrix/contracts';
import { ANALYSER_VERSION, canonicalJson, compositeSettings, DomainError, planeSeeds, renderKey, type MatrixCell } from '@shotmatrix/domain';
import { OutboxRelay } from '@shotmatrix/dispatch';
import { AnalysisEntity, ensureAnalysis, insertOutbox, MasterShotEntity, type RenderParams } from '@shotmatrix/persistence';
import { templateHash } from '@shotmatrix/templating';
import { OUTBOX_RELAY } from '../common/tokens';
import { MatrixService } from './matrix.service';
import { AuditService } from '../audit/audit.service';

interface PlannedCell {
  cell: MatrixCell;
  key: string;
  params: RenderParams;
}

@Injectable()
export class ExpansionService {
  private readonly log = new Logger(ExpansionService.name);

  constructor(
    private readonly db: DataSource,
    private readonly matrix: MatrixService,
    @Inject(OUTBOX_RELAY) private readonly relay: OutboxRelay | null,
    private readonly audit: AuditService,
  ) {}

  /**
   * Makes the variants match the matrix, one per cell, in one transaction:
   * new cells are created, cells whose render key changed point at the new
   * key (their approvals stay, now stale), unchanged cells are untouched,
   * cells gone from the matrix are removed (their renders and files stay).
   * Each render key renders once however many cells share it; its job goes
   * out through the outbox, and waits for the master's analysis.
   */
  async expand(campaignId: string): Promise<ExpansionSummary> {
    const master = await this.db.getRepository(MasterShotEntity).findOneBy({ campaignId, isCurrent: true });
    if (!master) throw new DomainError('MASTER_MISSING', 'upload a master shot before expanding the matrix', 'conflict');
    const matrix = await this.matrix.load(campaignId);
    if (!matrix) throw new DomainError('MATRIX_MISSING', 'define the matrix before expanding it', 'conflict');
    const { cells, templates, plates, luts } = await this.matrix.check(campaignId, matrix);
    // A master uploaded before the current analyser gets its analysis now.
    const { id: analysisId } = await this.db.transaction((tx) => ensureAnalysis(tx, master.sha256, ANALYSER_VERSION));
    const analysis = await this.db.getRepository(AnalysisEntity).findOneByOrFail({ id: analysisId });

    const planes = new Map(planeSeeds(master.keyframes).map((p) => [p.plane, p]));
    const marks = new Map(master.keyframes.flatMap((k) => (k.kind === 'mark' ? [[k.name, k.frame] as const] : [])));
    const seedsOf = (plane: string, cellKey: string) => {
      const found = planes.get(plane);
      if (!found) {
        throw new DomainError(
          'MATRIX_UNKNOWN_LABEL_PLANE',
          `cell ${cellKey}: params.labelPlane "${plane}" has no label-quad keyframes on the master; draw the label's corners on the master page first`,
        );
      }
      return found;
    };
    const templateHashes = new Map([...templates].map(([name, t]) => [name, templateHash(t)]));
    const planned: PlannedCell[] = cells.map((cell) => {
      const r = cell.render;
      const plate = r.plateId ? plates.get(r.plateId)! : null;
      const lut = r.lut ? luts.get(r.lut)! : null;
      const settings = compositeSettings(r.params, `cell ${cell.key}: params`);
      const labelPlane = settings.labelPlane ? seedsOf(settings.labelPlane, cell.key) : null;
      const packshot = settings.packshot ? plates.get(settings.packshot)! : null;
      // Timing marks → master frames, for supers and effect layers alike.
      const span = (what: string, t: { from: string | null; to: string | null }) => {
        const at = (mark: string | null, end: number, k: 'from' | 'to') => {
          if (mark === null) return end;
          const frame = marks.get(mark);
          if (frame === undefined) {
            throw new DomainError('MATRIX_UNKNOWN_MARK', `cell ${cell.key}: params.${what}.${k}: the master has no timing mark "${mark}"; pin it on the master page`);
          }
          return frame;
        };
        const from = at(t.from, 0, 'from');
        const to = at(t.to, master.frameCount - 1, 'to');
        if (to < from) throw new DomainError('MATRIX_BAD_SETTING', `cell ${cell.key}: params.${what} ends (frame ${to}) before it starts (frame ${from})`);
        return { from, to };
      };
      const overlays = settings.supers.map((sup, i) => ({ template: sup.template, role: sup.role, ...span(`supers[${i}]`, sup) }));
      const effects = settings.effects.map((fx, i) => ({ plate: plates.get(fx.plate)!, opacity: fx.opacity, ...span(`effects[${i}]`, fx) }));
      const overlayAssets = Object.fromEntries(overlays.map((o) => [`template:${o.template}`, templateHashes.get(o.template)!]));
      const key = renderKey({
        masterSha256: master.sha256,
        analysisVersion: ANALYSER_VERSION,
        templateSha256: templateHashes.get(r.template)!,
        // The plane's quads decide where the label lands: a re-drawn quad is a new render.
        assets: {
          plate: plate?.sha256 ?? null,
          lut: lut?.sha256 ?? null,
          labelPlane: labelPlane?.seedsHash ?? null,
          packshot: packshot?.sha256 ?? null,
          // Overlays count by their templates' sources and by the frames their marks resolve to.
          ...overlayAssets,
          timing: overlays.length ? canonicalJson(overlays) : null,
          // Effect layers count by their images' content and the frames they are on.
          effects: effects.length ? canonicalJson(effects.map((e) => ({ sha256: e.plate.sha256, from: e.from, to: e.to, opacity: e.opacity }))) : null,
        },
        render: r,
      });
      const params: RenderParams = {
        masterShotId: master.id,
        template: r.template,
        fields: r.fields,
        locale: r.locale,
        direction: r.direction,
        plateId: r.plateId,
        lut: r.lut,
        lutKey: lut?.storageKey ?? null,
        aspect: r.aspect,
        motionAdherence: r.motionAdherence,
        structureAdherence: r.structureAdherence,
        settings,
        labelPlane,
        packshotKey: packshot?.storageKey ?? null,
        overlays,
        effects: effects.map((e) => ({ key: e.plate.storageKey, from: e.from, to: e.to, opacity: e.opacity })),
      };
      return { cell, key, params };
    });

    const summary = await this.db.transaction(async (tx) => {
      // One expansion of a campaign at a time; others wait rather than interleave.
      await tx.query(`SELECT 1 FROM campaign WHERE id = $1 FOR UPDATE`, [campaignId]);
      const existing: Array<{ id: string; cell_key: string; render_key: string }> = await tx.query(
        `SELECT id, cell_key, render_key FROM variant WHERE campaign_id = $1`,
        [campaignId],
      );
      const byCell = new Map(existing.map((v) => [v.cell_key, v]));
      const created: PlannedCell[] = [];
      const changed: PlannedCell[] = [];
      for (const p of planned) {
        const v = byCell.get(p.cell.key);
        if (!v) created.push(p);
        else if (v.render_key !== p.key) changed.push(p);
      }
      const wanted = new Set(planned.map((p) => p.cell.key));
      const removed = existing.filter((v) => !wanted.has(v.cell_key)).map((v) => v.id);

      // Renders first: variants reference them.
      const byKey = new Map<string, PlannedCell>();
      for (const p of planned) if (!byKey.has(p.key)) byKey.set(p.key, p);
      const keys = [...byKey.keys()];
      const known: Array<{ render_key: string; status: string }> = await tx.query(
        `SELECT render_key, status FROM render WHERE render_key = ANY($1::text[])`,
        [keys],
      );
      const knownStatus = new Map(known.map((r) => [r.render_key, r.status]));
      const fresh = keys.filter((k) => !knownStatus.has(k));
      const initial = analysis.status === 'done' ? 'queued' : analysis.status === 'failed' ? 'failed' : 'waiting';
      const initialError = analysis.status === 'failed' ? `analysis of the master failed: ${analysis.error ?? 'unknown reason'}` : null;
      for (let i = 0; i < fresh.length; i += 5000) {
        const chunk = fresh.slice(i, i + 5000);
        await tx.query(
          `INSERT INTO render (render_key, status, error, analysis_id, master_shot_id, params)
           SELECT k, $2, $3, $4, $5, p::jsonb FROM unnest($1::text[], $6::text[]) AS t(k, p)
           ON CONFLICT (render_key) DO NOTHING`,
          [chunk, initial, initialError, analysis.id, master.id, chunk.map((k) => JSON.stringify(byKey.get(k)!.params))],
        );
      }
      // A failed render of a key the matrix still wants is tried again.
      const retry = keys.filter((k) => knownStatus.get(k) === 'failed');
      if (retry.length && initial !== 'failed') {
        await tx.query(
          `UPDATE render SET status = $2, error = NULL, attempts = 0, updated_at = now() WHERE render_key = ANY($1::text[]) AND status = 'failed'`,
          [retry, initial],
        );
      }
      if (initial === 'queued') {
        await insertOutbox(tx, [
          ...fresh.map((k) => ({ queue: 'render', jobId: k, payload: { renderKey: k } })),
          ...retry.map((k) => ({ queue: 'render', jobId: k, payload: { renderKey: k }, replace: true })),
        ]);
      }

      for (let i = 0; i < created.length; i += 5000) {
        const chunk = created.slice(i, i + 5000);
        await tx.query(
          `INSERT INTO variant (campaign_id, cell_key, coords, market_code, label_code, background_code, render_key, params)
           SELECT $1, ck, c::jsonb, c::jsonb->>'market', c::jsonb->>'label', c::jsonb->>'background', rk, p::jsonb
           FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS t(ck, c, rk, p)`,
          [
            campaignId,
            chunk.map((p) => p.cell.key),
            chunk.map((p) => JSON.stringify(p.cell.coords)),
            chunk.map((p) => p.key),
            chunk.map((p) => JSON.stringify(p.cell.render)),
          ],
        );
      }
      for (let i = 0; i < changed.length; i += 5000) {
        const chunk = changed.slice(i, i + 5000);
        await tx.query(
          `UPDATE variant v SET render_key = t.rk, params = t.p::jsonb, updated_at = now()
           FROM unnest($2::text[], $3::text[], $4::text[]) AS t(ck, rk, p)
           WHERE v.campaign_id = $1 AND v.cell_key = t.ck`,
          [campaignId, chunk.map((p) => p.cell.key), chunk.map((p) => p.key), chunk.map((p) => JSON.stringify(p.cell.render))],
        );
      }
      if (removed.length) await tx.query(`DELETE FROM variant WHERE id = ANY($1::uuid[])`, [removed]);
      // A new or changed key is a new version of the cell; going back to an earlier key finds its old version.
      await tx.query(
        `INSERT INTO variant_version (variant_id, render_key) SELECT id, render_key FROM variant WHERE campaign_id = $1 ON CONFLICT DO NOTHING`,
        [campaignId],
      );

      const touchedKeys = new Set([...created, ...changed].map((p) => p.key));
      const result = {
        cells: planned.length,
        created: created.length,
        changed: changed.length,
        unchanged: planned.length - created.length - changed.length,
        removed: removed.length,
        queued: initial === 'queued' ? fresh.length + retry.length : 0,
        reused: [...touchedKeys].filter((k) => knownStatus.has(k) && knownStatus.get(k) !== 'failed').length,
      };
      await this.audit.record({ action: 'campaign.expand', entity: 'campaign', entityId: campaignId, campaignId, after: result }, tx);
      return result;
    });

    // Publishing now saves the relay's next poll; if this process dies here, the outbox still has the jobs.
    void this.relay?.kick().catch((e) => this.log.warn(`outbox relay: ${(e as Error).message}`));
    this.log.log(`campaign ${campaignId}: ${JSON.stringify(summary)}`);
    return summary;
  }
}
