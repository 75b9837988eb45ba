import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { TokenVerifier } from './auth/token-verifier';
import { TrustPolicy } from './auth/trust-policy';
import { loadConfig } from '@tag-history/config';
import { createApp } from './create-app';
import { openInfrastructure } from './infrastructure/open-infrastructure';

const LOOPBACK = '127.0.0.1';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = new Logger('main');
  const tokens = config.auth && TokenVerifier.open(config.auth);
  const trust = await TrustPolicy.load(config.trustPolicyFile);
  const infrastructure = await openInfrastructure(config);
  logger.log(
    config.storage.kind === 'postgres' ? 'storage: PostgreSQL (DATABASE_URL)' : `storage: embedded PGlite in ${config.storage.dataDir}`,
  );
  logger.log(`signing key: ${infrastructure.key.kid}`);
  let host = config.host;
  if (tokens) {
    logger.log(`authentication: bearer tokens from ${config.auth!.issuer} for ${config.auth!.audience} (keys: ${config.auth!.jwks})`);
  } else {
    logger.warn('running WITHOUT authentication (AUTH_JWKS is not set): every caller is "anonymous"');
    // Without tokens anyone who can connect may move tags, so only this machine may connect.
    if (host !== LOOPBACK) logger.warn(`HOST=${host} ignored: without authentication the server listens on ${LOOPBACK} only`);
    host = LOOPBACK;
  }
  if (config.trustPolicyFile) logger.log(`client-signed tags: trust policy ${config.trustPolicyFile}`);
  if (config.registry) {
    const interval = config.registry.reconcileIntervalMs ? `every ${config.registry.reconcileIntervalMs / 1000} s` : 'off';
    logger.log(`watching registry ${config.registry.url} (reconcile ${interval}${config.registry.notificationsToken ? '' : '; notifications refused: REGISTRY_NOTIFICATIONS_TOKEN is not set'})`);
  }
  const app = await createApp(infrastructure, { access: { tokens, trust }, registry: config.registry });
  app.getHttpServer().on('close', () => void infrastructure.db.destroy());
  await app.listen(config.port, host);
  logger.log(`listening on ${await app.getUrl()}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
