import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { VariantStatus } from '@shotmatrix/contracts';

/** One cell of a campaign's matrix and its current render. */
@Entity('variant')
export class VariantEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'campaign_id' }) campaignId!: string;
  @Column('text', { name: 'market_code' }) marketCode!: string;
  @Column('text', { name: 'label_code' }) labelCode!: string;
  @Column('text', { name: 'background_code' }) backgroundCode!: string;
  @Column('text', { name: 'render_key' }) renderKey!: string;
  /** Everything the worker needs to render this cell, resolved at expansion time. */
  @Column('jsonb') params!: VariantRenderParams;
  @Column('text') status!: VariantStatus;
  @Column('text', { nullable: true }) error!: string | null;
  @Column('text', { name: 'output_key', nullable: true }) outputKey!: string | null;
  @Column('text', { name: 'thumbnail_key', nullable: true }) thumbnailKey!: string | null;
  @Column('int', { name: 'frame_count', nullable: true }) frameCount!: number | null;
  @Column('double precision', { name: 'duration_s', nullable: true }) durationS!: number | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

export interface VariantRenderParams {
  masterShotId: string;
  template: string;
  fields: Record<string, string | number>;
  locale: string;
  plateId: string | null;
}
