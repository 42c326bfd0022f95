import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A market grade: a 3D LUT (.cube) uploaded to a campaign, named for the matrix (`markets[].lut`). */
@Entity('lut')
export class LutEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'campaign_id' }) campaignId!: string;
  @Column('text') name!: string;
  @Column('text') filename!: string;
  @Column('text', { name: 'storage_key' }) storageKey!: string;
  @Column('text') sha256!: string;
  /** Edge length of the cube (LUT_3D_SIZE). */
  @Column('int') size!: number;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
