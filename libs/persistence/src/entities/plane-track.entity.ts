import type { Quad } from '@shotmatrix/contracts';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export type PlaneTrackStatus = 'waiting' | 'queued' | 'running' | 'done' | 'failed';

/**
 * One label plane tracked through one analysed master from one set of seed
 * quads. Keyed by (analysis, plane, seeds hash): the same quads are tracked
 * once, and a changed quad makes a new row without touching other planes.
 */
@Entity('plane_track')
export class PlaneTrackEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'analysis_id' }) analysisId!: string;
  @Column('text') plane!: string;
  @Column('text', { name: 'seeds_hash' }) seedsHash!: string;
  @Column('jsonb') seeds!: Array<{ frame: number; quad: Quad }>;
  @Column('text') status!: PlaneTrackStatus;
  @Column('text', { nullable: true }) error!: string | null;
  @Column('text', { name: 'result_key', nullable: true }) resultKey!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
