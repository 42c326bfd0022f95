import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** One cell of a campaign's matrix; its pixels are the render with its render key. */
@Entity('variant')
export class VariantEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'campaign_id' }) campaignId!: string;
  @Column('text', { name: 'cell_key' }) cellKey!: string;
  @Column('jsonb') coords!: Record<string, string>;
  @Column('text', { name: 'market_code' }) marketCode!: string;
  @Column('text', { name: 'label_code' }) labelCode!: string;
  @Column('text', { name: 'background_code' }) backgroundCode!: string;
  @Column('text', { name: 'render_key' }) renderKey!: string;
  /** The cell's resolved parameters, kept for display and audit. */
  @Column('jsonb') params!: Record<string, unknown>;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
