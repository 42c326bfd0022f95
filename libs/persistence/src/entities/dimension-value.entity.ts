import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type DimensionName = 'market' | 'label' | 'background';

/**
 * One value of one matrix dimension. Stored as rows (not one JSON blob) so a
 * later N-dimensional matrix can add dimensions without a rewrite.
 */
@Entity('dimension_value')
export class DimensionValueEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'campaign_id' }) campaignId!: string;
  @Column('text') dimension!: DimensionName;
  @Column('text') code!: string;
  @Column('int') position!: number;
  /** The value's parameters as the producer gave them (market copy deck, label template, plate id, …). */
  @Column('jsonb') params!: Record<string, unknown>;
}
