import { ConfigError } from './config-error';
import { loadConfig } from './config';

const failure = (env: NodeJS.ProcessEnv): ConfigError => {
  try {
    loadConfig(env);
  } catch (error) {
    return error as ConfigError;
  }
  throw new Error('loaded');
};

describe('loadConfig', () => {
  it('reads the defaults of the operations settings', () =>
    expect(loadConfig({}).operations).toEqual({ logLevel: 'info', shutdownTimeoutMs: 10_000, metricsToken: undefined }));

  it('reads LOG_LEVEL, SHUTDOWN_TIMEOUT and METRICS_TOKEN', () =>
    expect(loadConfig({ LOG_LEVEL: 'debug', SHUTDOWN_TIMEOUT: 'PT2.5S', METRICS_TOKEN: 'm' }).operations).toEqual({
      logLevel: 'debug',
      shutdownTimeoutMs: 2_500,
      metricsToken: 'm',
    }));

  it('keeps every existing variable working', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://x@h/db',
      DATABASE_POOL_SIZE: '4',
      DATABASE_READ_URL: 'postgres://x@r1/db,postgres://x@r2/db',
      DATABASE_READ_MAX_WAIT: 'PT2S',
      DATABASE_LISTEN_URL: 'postgres://x@h-direct/db',
      POLICY_RUN_INTERVAL: 'PT5M',
      PORT: '0',
      GC_RETENTION: 'P7D',
      GC_RETENTION_BY_REPOSITORY: '{"team/app":"P1D"}',
      LOG_ORIGIN: 'example.com/log',
      REGISTRY_URL: 'http://127.0.0.1:5000',
      TAG_HISTORY_URL: 'http://127.0.0.1:8080',
    });
    expect(config.storage).toEqual({
      kind: 'postgres',
      url: 'postgres://x@h/db',
      poolSize: 4,
      readUrls: ['postgres://x@r1/db', 'postgres://x@r2/db'],
      readMaxWaitMs: 2_000,
      listenUrl: 'postgres://x@h-direct/db',
    });
    expect(config.policies).toEqual({ runIntervalMs: 300_000 });
    expect(config.gc.retention).toEqual({ default: 'P7D', repositories: { 'team/app': 'P1D' } });
    expect(config.transparency.origin).toBe('example.com/log');
    expect(config.registry?.host).toBe('127.0.0.1:5000');
  });

  it('reads TILE_CACHE_MB in megabytes, 96 when unset, 0 allowed (no tiles kept)', () => {
    expect(loadConfig({}).transparency.tileCacheBytes).toBe(96 * 2 ** 20);
    expect(loadConfig({ TILE_CACHE_MB: '512' }).transparency.tileCacheBytes).toBe(512 * 2 ** 20);
    expect(loadConfig({ TILE_CACHE_MB: '0' }).transparency.tileCacheBytes).toBe(0);
  });

  it.each([
    [{ LOG_LEVEL: 'verbose' }, /LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"/],
    [{ SHUTDOWN_TIMEOUT: '10s' }, /SHUTDOWN_TIMEOUT must be an ISO 8601 duration/],
    [{ SHUTDOWN_TIMEOUT: 'PT0S' }, /SHUTDOWN_TIMEOUT must be longer than zero/],
    [{ PORT: 'eighty' }, /PORT must be an integer, got "eighty"/],
    [{ DATABASE_URL: 'postgres://h/db', DATABASE_POOL_SIZE: '0' }, /DATABASE_POOL_SIZE must be an integer/],
    [{ GC_RETENTION_BY_REPOSITORY: '{not json' }, /GC_RETENTION_BY_REPOSITORY must be a JSON object/],
    [{ AUTH_JWKS: 'jwks.json', AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a', AUTH_ALGORITHMS: 'ES256,XS512' }, /AUTH_ALGORITHMS: unknown XS512/],
    [{ AUTH_JWKS: 'jwks.json', AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a', AUTH_ALGORITHMS: 'HS256' }, /asymmetric algorithms only, not HS256/],
    [{ REGISTRY_URL: 'ftp://r' }, /REGISTRY_URL must be an http\(s\) URL/],
    [{ TILE_CACHE_MB: '1.5' }, /TILE_CACHE_MB must be a whole number of megabytes, got "1.5"/],
    [{ TILE_CACHE_MB: '-1' }, /TILE_CACHE_MB must be a whole number/],
    [{ TILE_CACHE_MB: '0x10' }, /TILE_CACHE_MB must be a whole number/],
    [{ TILE_CACHE_MB: '1e2' }, /TILE_CACHE_MB must be a whole number/],
    [{ TILE_CACHE_MB: ' 5 ' }, /TILE_CACHE_MB must be a whole number/],
  ])('refuses a malformed or unknown value: %j', (env, message) => {
    const error = failure(env);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toMatch(message);
  });

  it('refuses an unknown variable with one of its prefixes, naming it', () => {
    const error = failure({ AUTH_ISSUR: 'x', REGISTRY_PASWORD: 'y', PGHOST: 'other software', NODE_OPTIONS: '' });
    expect(error.code).toBe('CONFIG_UNKNOWN');
    expect(error.message).toBe('unknown setting AUTH_ISSUR, REGISTRY_PASWORD (misspelt? see the configuration table in README.md)');
  });
});
