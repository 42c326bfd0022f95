import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A background plate image uploaded to a campaign. */
@Entity('plate')
export class PlateEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'campaign_id' }) campaignId!: string;
  @Column('text') filename!: string;
  @Column('text', { name: 'storage_key' }) storageKey!: string;
  @Column('text') sha256!: string;
  @Column('int') width!: number;
  @Column('int') height!: number;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
