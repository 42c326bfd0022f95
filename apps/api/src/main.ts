import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig } from '@shotmatrix/config';
import { createApiApp } from './bootstrap';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApiApp(config);
  await app.listen(config.http.port, config.http.host);
  new Logger('api').log(`listening on http://${config.http.host}:${config.http.port} (docs at /api/docs)`);
}

main().catch((e) => {
  console.error(e instanceof ConfigError ? e.message : e);
  process.exit(1);
});
