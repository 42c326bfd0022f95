import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type RenderJobStatus = 'queued' | 'active' | 'done' | 'failed' | 'superseded';

/** One attempt to produce a variant's render key; its id is the BullMQ job id. */
@Entity('render_job')
export class RenderJobEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'variant_id' }) variantId!: string;
  @Column('text', { name: 'render_key' }) renderKey!: string;
  @Column('text') status!: RenderJobStatus;
  @Column('int', { default: 0 }) attempts!: number;
  @Column('text', { nullable: true }) error!: string | null;
  @CreateDateColumn({ name: 'queued_at', type: 'timestamptz' }) queuedAt!: Date;
  @Column('timestamptz', { name: 'started_at', nullable: true }) startedAt!: Date | null;
  @Column('timestamptz', { name: 'finished_at', nullable: true }) finishedAt!: Date | null;
}
