import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A background plate uploaded to a campaign: a still image or a video. */
@Entity('plate')
export class PlateEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'campaign_id' }) campaignId!: string;
  @Column('text') filename!: string;
  @Column('text', { name: 'storage_key' }) storageKey!: string;
  @Column('text') sha256!: string;
  @Column('int') width!: number;
  @Column('int') height!: number;
  @Column('text', { default: 'image' }) kind!: 'image' | 'video';
  /** Video plates only: their rate (they are resampled to the master's) and length (looped when shorter). */
  @Column('text', { name: 'fps_fraction', nullable: true }) fpsFraction!: string | null;
  @Column('int', { name: 'frame_count', nullable: true }) frameCount!: number | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
