import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export type AnalysisStatus = 'queued' | 'running' | 'done' | 'failed';

/** A master's analysis, content-addressed by master hash + analyser version and done once. */
@Entity('analysis')
export class AnalysisEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text', { name: 'master_sha256' }) masterSha256!: string;
  @Column('text', { name: 'analyser_version' }) analyserVersion!: string;
  @Column('text') status!: AnalysisStatus;
  @Column('text', { nullable: true }) error!: string | null;
  @Column('jsonb', { nullable: true }) result!: Record<string, unknown> | null;
  /** What the worker is doing now and how far it is (0…1); null when not running. */
  @Column('text', { nullable: true }) stage!: string | null;
  @Column('double precision', { nullable: true }) progress!: number | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
