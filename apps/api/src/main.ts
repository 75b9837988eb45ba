import 'reflect-metadata';
import { ConfigError, loadConfig } from '@tag-history/config';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { TokenVerifier } from './auth/token-verifier';
import { TrustPolicy } from './auth/trust-policy';
import { createApp } from './create-app';
import { openInfrastructure } from './infrastructure/open-infrastructure';
import { createLogger } from './observability/logger';

const LOOPBACK = '127.0.0.1';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // One line an operator reads, not a stack.
    console.error(`configuration: ${error.message}`);
    process.exit(1);
  }
  const logger = createLogger(config.operations.logLevel);
  const tokens = config.auth && TokenVerifier.open(config.auth);
  const trust = await TrustPolicy.load(config.trustPolicyFile);
  const infrastructure = await openInfrastructure(config);
  logger.info(
    { storage: config.storage.kind },
    config.storage.kind === 'postgres' ? 'storage: PostgreSQL (DATABASE_URL)' : `storage: embedded PGlite in ${config.storage.dataDir}`,
  );
  logger.info(`signing key: ${infrastructure.key.kid}`);
  let host = config.host;
  if (tokens) {
    logger.info(`authentication: bearer tokens from ${config.auth!.issuer} for ${config.auth!.audience} (keys: ${config.auth!.jwks})`);
  } else {
    logger.warn('running WITHOUT authentication (AUTH_JWKS is not set): every caller is "anonymous"');
    // Without tokens anyone who can connect may move tags, so only this machine may connect.
    if (host !== LOOPBACK) logger.warn(`HOST=${host} ignored: without authentication the server listens on ${LOOPBACK} only`);
    host = LOOPBACK;
  }
  if (config.trustPolicyFile) logger.info(`client-signed tags: trust policy ${config.trustPolicyFile}`);
  if (config.registry) {
    const interval = config.registry.reconcileIntervalMs ? `every ${config.registry.reconcileIntervalMs / 1000} s` : 'off';
    logger.info(
      `watching registry ${config.registry.url} (reconcile ${interval}${config.registry.notificationsToken ? '' : '; notifications refused: REGISTRY_NOTIFICATIONS_TOKEN is not set'})`,
    );
  }
  const app = await createApp(infrastructure, { access: { tokens, trust }, registry: config.registry, logger, metricsToken: config.operations.metricsToken });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => void shutdown(app, () => infrastructure.db.destroy(), config.operations.shutdownTimeoutMs, logger, signal));
  }
  await app.listen(config.port, host);
  logger.info(`listening on ${await app.getUrl()}`);
}

/**
 * Stops taking requests and lets those in flight finish: Nest ends the
 * feed's long-polls and event streams (FeedWaiter), Fastify stops listening,
 * answers what is in flight (every write that is answered has committed) and
 * closes idle connections, the background workers finish their current
 * check; then the pool closes. What is not done by the timeout is cut off:
 * an unanswered write commits whole or not at all, never half.
 */
async function shutdown(app: NestFastifyApplication, closeDatabase: () => Promise<void>, timeoutMs: number, logger: Logger, signal: string): Promise<void> {
  const started = Date.now();
  logger.info(`${signal}: shutting down (SHUTDOWN_TIMEOUT ${timeoutMs / 1000} s)`);
  setTimeout(() => {
    logger.error(`shutdown did not finish within ${timeoutMs / 1000} s: exiting with requests still in flight`);
    logger.flush();
    process.exit(1);
  }, timeoutMs).unref();
  try {
    await app.close();
    await closeDatabase();
    logger.info(`shut down in ${Date.now() - started} ms`);
    process.exitCode = 0;
  } catch (error) {
    logger.error({ err: error }, 'shutdown failed');
    process.exitCode = 1;
  }
  logger.flush();
  // Handles nobody owns (a socket a client keeps open) must not keep the process past its shutdown.
  setImmediate(() => process.exit());
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
