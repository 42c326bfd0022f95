import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The first response to a POST with an Idempotency-Key, replayed for retries of the same request. */
@Entity('idempotency_key')
export class IdempotencyKeyEntity {
  @PrimaryColumn('text') scope!: string;
  @PrimaryColumn('text') key!: string;
  @Column('text', { name: 'request_hash' }) requestHash!: string;
  @Column('int', { name: 'status_code', nullable: true }) statusCode!: number | null;
  @Column('jsonb', { nullable: true }) response!: unknown;
  @Column('timestamptz', { name: 'created_at', default: () => 'now()' }) createdAt!: Date;
}
