import { loadRegistryConfig } from './registry-config';

describe('loadRegistryConfig', () => {
  it('is off without REGISTRY_URL', () => expect(loadRegistryConfig({})).toBeUndefined());
  it('reads the defaults', () =>
    expect(loadRegistryConfig({ REGISTRY_URL: 'http://127.0.0.1:5000/' })).toEqual({
      url: 'http://127.0.0.1:5000',
      host: '127.0.0.1:5000',
      username: undefined,
      password: undefined,
      notificationsToken: undefined,
      reconcileIntervalMs: 300_000,
      repositories: undefined,
      checkDelayMs: 200,
      checkAttempts: 8,
    }));
  it('reads every variable', () =>
    expect(
      loadRegistryConfig({
        REGISTRY_URL: 'https://registry.example',
        REGISTRY_USERNAME: 'u',
        REGISTRY_PASSWORD: 'p',
        REGISTRY_NOTIFICATIONS_TOKEN: 't',
        REGISTRY_RECONCILE_INTERVAL: 'PT0S',
        REGISTRY_REPOSITORIES: 'team/*, prod/**',
        REGISTRY_CHECK_DELAY: 'PT1S',
        REGISTRY_CHECK_ATTEMPTS: '3',
      }),
    ).toMatchObject({
      host: 'registry.example',
      username: 'u',
      reconcileIntervalMs: 0,
      repositories: ['team/*', 'prod/**'],
      checkDelayMs: 1000,
      checkAttempts: 3,
    }));
  it.each([
    [{ REGISTRY_URL: 'ftp://x' }],
    [{ REGISTRY_URL: 'not a url' }],
    [{ REGISTRY_URL: 'http://x', REGISTRY_USERNAME: 'u' }],
    [{ REGISTRY_URL: 'http://x', REGISTRY_RECONCILE_INTERVAL: '5m' }],
    [{ REGISTRY_URL: 'http://x', REGISTRY_CHECK_ATTEMPTS: '0' }],
  ])('refuses %j at start', (env) => expect(() => loadRegistryConfig(env)).toThrow());
});
