import { ConfigError, loadConfig } from '@shotmatrix/config';
import { runMigrations } from '@shotmatrix/persistence';

/** Applies committed migrations; run by `npm start` and `npm test` before the API starts. */
async function main(): Promise<void> {
  const config = loadConfig();
  const ran = await runMigrations(config.databaseUrl);
  console.log(ran.length ? `migrations applied: ${ran.join(', ')}` : 'migrations: schema up to date');
}

main().catch((e) => {
  console.error(e instanceof ConfigError ? e.message : e);
  process.exit(1);
});
