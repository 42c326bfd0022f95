import { DataSource, type DataSourceOptions } from 'typeorm';
import { AnalysisEntity } from './entities/analysis.entity';
import { ApprovalEntity } from './entities/approval.entity';
import { CampaignEntity } from './entities/campaign.entity';
import { IdempotencyKeyEntity } from './entities/idempotency-key.entity';
import { MasterShotEntity } from './entities/master-shot.entity';
import { OutboxEntity } from './entities/outbox.entity';
import { PlateEntity } from './entities/plate.entity';
import { RenderEntity } from './entities/render.entity';
import { VariantEntity } from './entities/variant.entity';
import { InitialSchema1764000000000 } from './migrations/1764000000000-initial-schema';
import { MatrixV1RendersOutbox1764100000000 } from './migrations/1764100000000-matrix-v1-renders-outbox';
import { AnalysisStagesKeyframes1764200000000 } from './migrations/1764200000000-analysis-stages-keyframes';
import { PlaneTrackEntity } from './entities/plane-track.entity';
import { LutEntity } from './entities/lut.entity';
import { RenderOutputsQcLuts1764300000000 } from './migrations/1764300000000-render-outputs-qc-luts';
import { AccountsAuditReviews1764400000000 } from './migrations/1764400000000-accounts-audit-reviews';
import { AccountEntity, AuthTokenEntity, InvitationEntity } from './entities/account.entity';
import { AuditLogEntity, CommentEntity, NotificationEntity, WebhookDeliveryEntity, WebhookEntity } from './entities/review.entity';

export const ENTITIES = [
  CampaignEntity,
  MasterShotEntity,
  PlateEntity,
  VariantEntity,
  RenderEntity,
  AnalysisEntity,
  ApprovalEntity,
  OutboxEntity,
  IdempotencyKeyEntity,
  PlaneTrackEntity,
  LutEntity,
  AccountEntity,
  AuthTokenEntity,
  InvitationEntity,
  AuditLogEntity,
  CommentEntity,
  NotificationEntity,
  WebhookEntity,
  WebhookDeliveryEntity,
];
/** Listed explicitly (not globbed) so bundlers and swc-node agree on what runs. */
export const MIGRATIONS = [
  InitialSchema1764000000000,
  MatrixV1RendersOutbox1764100000000,
  AnalysisStagesKeyframes1764200000000,
  RenderOutputsQcLuts1764300000000,
  AccountsAuditReviews1764400000000,
];

export function dataSourceOptions(databaseUrl: string, appName = 'shotmatrix'): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migration',
    synchronize: false,
    applicationName: appName,
    extra: { max: 10 },
  };
}

export async function runMigrations(databaseUrl: string): Promise<string[]> {
  const ds = new DataSource(dataSourceOptions(databaseUrl, 'shotmatrix-migrate'));
  await ds.initialize();
  try {
    const ran = await ds.runMigrations({ transaction: 'each' });
    return ran.map((m) => m.name);
  } finally {
    await ds.destroy();
  }
}
