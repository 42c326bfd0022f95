import type { Keyframe } from '@shotmatrix/contracts';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('master_shot')
export class MasterShotEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'campaign_id' }) campaignId!: string;
  @Column('text') filename!: string;
  @Column('text', { name: 'storage_key' }) storageKey!: string;
  @Column('text', { name: 'thumbnail_key', nullable: true }) thumbnailKey!: string | null;
  @Column('text') sha256!: string;
  @Column('bigint', { name: 'size_bytes', transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  sizeBytes!: number;
  @Column('int') width!: number;
  @Column('int') height!: number;
  @Column('text', { name: 'fps_fraction' }) fpsFraction!: string;
  @Column('double precision') fps!: number;
  @Column('int', { name: 'frame_count' }) frameCount!: number;
  @Column('double precision', { name: 'duration_s' }) durationS!: number;
  @Column('boolean', { name: 'has_audio' }) hasAudio!: boolean;
  @Column('text') codec!: string;
  /** Superseded masters stay (nothing uploaded is lost); only the current one drives renders. */
  @Column('boolean', { name: 'is_current', default: true }) isCurrent!: boolean;
  /** Frames the producer pinned (lock, label-quad, mark); edited with If-Match on keyframesVersion. */
  @Column('jsonb', { default: () => "'[]'" }) keyframes!: Keyframe[];
  @Column('int', { name: 'keyframes_version', default: 1 }) keyframesVersion!: number;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
