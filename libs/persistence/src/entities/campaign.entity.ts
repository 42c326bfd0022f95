import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { MatrixInput } from '@shotmatrix/contracts';

@Entity('campaign')
export class CampaignEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text') name!: string;
  /**
   * Bumped by every edit through an explicit `WHERE version = …` with a row
   * count check (see the campaigns service): TypeORM's @VersionColumn alone
   * does not reject a stale write.
   */
  @Column('int', { default: 1 }) version!: number;
  /** The validated matrix document (dimensions, defaults, exclusions, overrides). */
  @Column('jsonb', { nullable: true }) matrix!: MatrixInput | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
