import { DataSource, type DataSourceOptions } from 'typeorm';
import { CampaignEntity } from './entities/campaign.entity';
import { DimensionValueEntity } from './entities/dimension-value.entity';
import { MasterShotEntity } from './entities/master-shot.entity';
import { PlateEntity } from './entities/plate.entity';
import { RenderJobEntity } from './entities/render-job.entity';
import { VariantEntity } from './entities/variant.entity';
import { InitialSchema1764000000000 } from './migrations/1764000000000-initial-schema';

export const ENTITIES = [CampaignEntity, DimensionValueEntity, MasterShotEntity, PlateEntity, VariantEntity, RenderJobEntity];
/** Listed explicitly (not globbed) so bundlers and swc-node agree on what runs. */
export const MIGRATIONS = [InitialSchema1764000000000];

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
