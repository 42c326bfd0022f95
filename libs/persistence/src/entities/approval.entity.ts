import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A decision on a variant as it looked then: the render key it saw. When the
 * variant's key moves on, the decision is stale (kept, never deleted).
 */
@Entity('approval')
export class ApprovalEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'variant_id' }) variantId!: string;
  @Column('text', { name: 'render_key' }) renderKey!: string;
  @Column('text') decision!: 'approved' | 'rejected';
  /** Who decided, as they were named then (kept when the account goes). */
  @Column('text', { name: 'decided_by', nullable: true }) decidedBy!: string | null;
  @Column('uuid', { name: 'decided_by_id', nullable: true }) decidedById!: string | null;
  @Column('text', { nullable: true }) comment!: string | null;
  @Column('timestamptz', { name: 'decided_at', default: () => 'now()' }) decidedAt!: Date;
}
