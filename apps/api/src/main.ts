import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadConfig } from './config';
import { createApp } from './create-app';
import { openInfrastructure } from './infrastructure/open-infrastructure';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = new Logger('main');
  const infrastructure = await openInfrastructure(config);
  logger.log(
    config.storage.kind === 'postgres' ? 'storage: PostgreSQL (DATABASE_URL)' : `storage: embedded PGlite in ${config.storage.dataDir}`,
  );
  logger.log(`signing key: ${infrastructure.key.kid}`);
  const app = await createApp(infrastructure);
  app.getHttpServer().on('close', () => void infrastructure.db.destroy());
  await app.listen(config.port, config.host);
  logger.log(`listening on ${await app.getUrl()}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
