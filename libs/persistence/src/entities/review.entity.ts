import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** A review comment pinned to a frame (and optionally a region) of one render of a variant; replies point at their parent. */
@Entity('comment')
export class CommentEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'variant_id' }) variantId!: string;
  @Column('uuid', { name: 'parent_id', nullable: true }) parentId!: string | null;
  /** The version (render) the comment was made on. */
  @Column('text', { name: 'render_key' }) renderKey!: string;
  @Column('int') frame!: number;
  /** Normalised 0..1 rectangle on the frame, when the reviewer drew one. */
  @Column('jsonb', { nullable: true }) region!: { x: number; y: number; w: number; h: number } | null;
  @Column('text') body!: string;
  @Column('uuid', { name: 'author_id', nullable: true }) authorId!: string | null;
  @Column('text', { name: 'author_name' }) authorName!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column('timestamptz', { name: 'resolved_at', nullable: true }) resolvedAt!: Date | null;
  @Column('uuid', { name: 'resolved_by', nullable: true }) resolvedBy!: string | null;
}

/** Append-only (a trigger refuses UPDATE, DELETE and TRUNCATE): who changed what, when, from what to what. */
@Entity('audit_log')
export class AuditLogEntity {
  @PrimaryColumn('bigint', { generated: 'increment' }) id!: string;
  @Column('timestamptz', { default: () => 'clock_timestamp()' }) at!: Date;
  @Column('uuid', { name: 'actor_id', nullable: true }) actorId!: string | null;
  @Column('text', { name: 'actor_email', nullable: true }) actorEmail!: string | null;
  @Column('text') action!: string;
  @Column('text') entity!: string;
  @Column('text', { name: 'entity_id', nullable: true }) entityId!: string | null;
  @Column('uuid', { name: 'campaign_id', nullable: true }) campaignId!: string | null;
  @Column('jsonb', { nullable: true }) before!: unknown;
  @Column('jsonb', { nullable: true }) after!: unknown;
}

@Entity('notification')
export class NotificationEntity {
  @PrimaryColumn('bigint', { generated: 'increment' }) id!: string;
  @Column('uuid', { name: 'account_id' }) accountId!: string;
  @Column('text') type!: string;
  @Column('uuid', { name: 'campaign_id', nullable: true }) campaignId!: string | null;
  @Column('uuid', { name: 'variant_id', nullable: true }) variantId!: string | null;
  @Column('text') message!: string;
  @Column('text', { name: 'dedupe_key' }) dedupeKey!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column('timestamptz', { name: 'read_at', nullable: true }) readAt!: Date | null;
}

@Entity('webhook')
export class WebhookEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text') url!: string;
  @Column('text', { select: false }) secret!: string;
  @Column('text', { array: true }) events!: string[];
  @Column('uuid', { name: 'created_by', nullable: true }) createdBy!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column('timestamptz', { name: 'disabled_at', nullable: true }) disabledAt!: Date | null;
}

@Entity('webhook_delivery')
export class WebhookDeliveryEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'webhook_id' }) webhookId!: string;
  @Column('text') event!: string;
  @Column('text', { name: 'dedupe_key' }) dedupeKey!: string;
  @Column('jsonb') payload!: Record<string, unknown>;
  @Column('text') status!: 'pending' | 'delivered' | 'failed';
  @Column('int') attempts!: number;
  @Column('timestamptz', { name: 'next_attempt_at' }) nextAttemptAt!: Date;
  @Column('text', { name: 'last_error', nullable: true }) lastError!: string | null;
  @Column('int', { name: 'response_status', nullable: true }) responseStatus!: number | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column('timestamptz', { name: 'delivered_at', nullable: true }) deliveredAt!: Date | null;
}
