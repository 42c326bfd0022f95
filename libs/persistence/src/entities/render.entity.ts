import type { CompositeSettings, PlaneSeeds, SuperRole } from '@shotmatrix/domain';
import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export type RenderStatus = 'waiting' | 'queued' | 'rendering' | 'done' | 'failed';

/** What the worker needs to render a key, resolved at expansion time. */
export interface RenderParams {
  masterShotId: string;
  template: string;
  fields: Record<string, string>;
  locale: string;
  direction: 'ltr' | 'rtl';
  plateId: string | null;
  lut: string | null;
  /** The LUT's object (content-addressed), resolved at expansion so a later upload under the same name makes a new key. */
  lutKey?: string | null;
  aspect: string | null;
  motionAdherence: number;
  structureAdherence: number;
  /** The plane the label is warped onto, with the seeds (quads on keyframes) it was keyed by. */
  labelPlane?: PlaneSeeds | null;
  /** The packshot image's object (a plate upload), shown instead of the label template; keyed by its content. */
  packshotKey?: string | null;
  /** Timed overlays (supers, legal lines, end cards) with their marks resolved to master frames. */
  overlays?: Array<{ template: string; role: SuperRole; from: number; to: number }>;
  /** Effect layers between plate and subject: images (content-addressed keys) on between two master frames. */
  effects?: Array<{ key: string; from: number; to: number; opacity: number }>;
  /** Absent on renders planned before the compositor (they render with the defaults). */
  settings?: CompositeSettings;
}

/**
 * One render per render key: cells whose pixels would be identical share it.
 * `waiting` means the master's analysis has not finished yet.
 */
@Entity('render')
export class RenderEntity {
  @PrimaryColumn('text', { name: 'render_key' }) renderKey!: string;
  @Column('text') status!: RenderStatus;
  @Column('text', { nullable: true }) error!: string | null;
  @Column('uuid', { name: 'analysis_id', nullable: true }) analysisId!: string | null;
  @Column('uuid', { name: 'master_shot_id' }) masterShotId!: string;
  @Column('jsonb') params!: RenderParams;
  @Column('text', { name: 'output_key', nullable: true }) outputKey!: string | null;
  @Column('text', { name: 'thumbnail_key', nullable: true }) thumbnailKey!: string | null;
  @Column('int', { name: 'frame_count', nullable: true }) frameCount!: number | null;
  @Column('double precision', { name: 'duration_s', nullable: true }) durationS!: number | null;
  /** Every deliverable written, by kind (`exr` names the first of its numbered frames). */
  @Column('jsonb', { nullable: true }) outputs!: Record<string, string> | null;
  /** The QC report of the last successful render (see contracts' QcReport). */
  @Column('jsonb', { nullable: true }) qc!: Record<string, unknown> | null;
  @Column('int', { default: 0 }) attempts!: number;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
  @Column('timestamptz', { name: 'started_at', nullable: true }) startedAt!: Date | null;
  @Column('timestamptz', { name: 'finished_at', nullable: true }) finishedAt!: Date | null;
}
