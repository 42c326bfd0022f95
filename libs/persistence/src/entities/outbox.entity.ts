import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A job to hand to BullMQ, written in the same transaction as the rows it is about. */
@Entity('outbox')
export class OutboxEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column('text') queue!: string;
  @Column('text', { name: 'job_id' }) jobId!: string;
  @Column('jsonb') payload!: Record<string, unknown>;
  /** Remove a finished job with the same id first (a deliberate re-run of a failed render). */
  @Column('boolean', { default: false }) replace!: boolean;
  @Column('timestamptz', { name: 'created_at', default: () => 'now()' }) createdAt!: Date;
  @Column('timestamptz', { name: 'published_at', nullable: true }) publishedAt!: Date | null;
}
