import { rewriteUrl } from '../http/rewrite-url';
import { requiredScopes } from './required-scopes';
import { scopeString } from './scope';

/** The scopes a request needs, as strings; the URL goes through the same rewrite the server applies. */
function needs(method: string, url: string): string[] | 'public' {
  const requirement = requiredScopes(method, rewriteUrl(url));
  return requirement.kind === 'public' ? 'public' : requirement.scopes.map(scopeString);
}

describe('requiredScopes', () => {
  it.each([
    ['GET', '/v2/team/app/_tags/prod', 'repository:team/app:pull'],
    ['HEAD', '/v2/app/_tags/prod', 'repository:app:pull'],
    ['GET', '/v2/a/b/c/tags/list?n=1', 'repository:a/b/c:pull'],
    ['PUT', '/v2/team/app/_tags/prod', 'repository:team/app:push'],
    ['DELETE', '/v2/team/app/_tags/prod', 'repository:team/app:delete'],
    ['POST', '/v2/team/app/_tags/prod/_restore', 'repository:team/app:push'],
    ['GET', '/v2/team/app/_tags/prod/_history', 'repository:team/app:pull'],
    ['PUT', '/v2/team/app/_pins/prod', 'repository:team/app:push'],
    ['DELETE', '/v2/team/app/_pins/prod', 'repository:team/app:push'],
    ['DELETE', '/v2/team/app/_aliases/x', 'repository:team/app:delete'],
    ['GET', '/v2/team/app/_oci/referrers', 'repository:team/app:pull'],
    ['GET', '/v2/team/app/_digests/sha256:abc', 'repository:team/app:pull'],
    ['GET', '/v2/team/app/_timeline?since=2026-01-01T00:00:00Z', 'repository:team/app:pull'],
    ['GET', '/v2/_resolve?reference=registry.example.com%2Fteam%2Fapp%3A1.0', 'repository:team/app:pull'],
  ])('%s %s needs %s', (method, url, scope) => expect(needs(method, url)).toEqual([scope]));

  it.each([
    ['GET', '/v2/_events'],
    ['GET', '/v2/_events/42'],
    ['GET', '/v2/_repositories?q=team'],
    ['GET', '/v2/_audit?repository=team/app'],
    ['GET', '/v2/_log/verify'],
    ['GET', '/v2/_log/archived?repository=team/app'],
    ['POST', '/v2/_gc/run'],
    ['GET', '/v2/_catalog'],
    ['GET', '/v2/app'],
    ['GET', '/debug/vars'],
    ['GET', '/v2/Team/app/_tags/x'],
    ['GET', '/v2/%ZZ/_tags/x'],
  ])('%s %s needs registry:catalog:*', (method, url) => expect(needs(method, url)).toEqual(['registry:catalog:*']));

  it('lets any valid token call GET /v2/, as registries do', () => {
    expect(needs('GET', '/v2/')).toEqual([]);
    expect(needs('GET', '/v2')).toEqual([]);
  });

  it('leaves POST /v2/_notifications/* and GET /metrics to the static token their endpoint checks', () => {
    expect(needs('POST', '/v2/_notifications/distribution')).toBe('public');
    // /metrics checks METRICS_TOKEN itself (observability/metrics-access.ts).
    expect(needs('GET', '/metrics')).toBe('public');
    expect(needs('GET', '/v2/_notifications/distribution')).toEqual(['registry:catalog:*']);
    expect(needs('POST', '/v2/_reconcile')).toEqual(['registry:catalog:*']);
  });

  it('leaves health, readiness and the JWKS public', () => {
    for (const url of ['/healthz', '/readyz', '/.well-known/jwks.json']) expect(needs('GET', url)).toBe('public');
    // The audit page's static files; the data it then reads needs the scopes above.
    for (const url of ['/ui', '/ui/', '/ui/main.js']) expect(needs('GET', url)).toBe('public');
    expect(needs('GET', '/uix')).toEqual(['registry:catalog:*']);
  });

  it("leaves the transparency log's hashes public for auditors, but not the entries, the log verification or anything else under _log", () => {
    for (const url of [
      '/v2/_log/checkpoint',
      '/v2/_log/key',
      '/v2/_log/proof/inclusion?position=1',
      '/v2/_log/proof/consistency?from=1',
      '/v2/_log/tile/0/x001/234.p/5',
    ]) {
      expect(needs('GET', url)).toBe('public');
    }
    expect(needs('POST', '/v2/_log/cosignatures')).toBe('public');
    for (const url of ['/v2/_log/tile/entries/000', '/v2/_log/verify', '/v2/_log/other']) expect(needs('GET', url)).toEqual(['registry:catalog:*']);
  });

  it('needs only a valid token for a reference that does not parse, which the endpoint then refuses', () => {
    expect(needs('GET', '/v2/_resolve?reference=%20')).toEqual([]);
  });

  describe('POST /v2/_batch', () => {
    const batch = (body: unknown) => requiredScopes('POST', '/v2/_batch', Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)));

    it("needs every operation's scope on its repository, or registry:catalog:*", () => {
      const requirement = batch({
        operations: [
          { op: 'create', name: 'team/a', tag: 'x' },
          { op: 'move', name: 'team/a', tag: 'y' },
          { op: 'delete', name: 'team/b', tag: 'z' },
        ],
      });
      expect(requirement).toEqual({
        kind: 'scopes',
        scopes: [
          { type: 'repository', name: 'team/a', action: 'push' },
          { type: 'repository', name: 'team/b', action: 'delete' },
        ],
        orElse: { type: 'registry', name: 'catalog', action: '*' },
      });
    });

    it.each([
      ['not JSON', 'operations'],
      ['no operations', {}],
      ['an empty batch', { operations: [] }],
      ['an unknown op', { operations: [{ op: 'restore', name: 'team/a' }] }],
      ['an invalid name', { operations: [{ op: 'move', name: 'Team/A' }] }],
      ['a name that is not a string', { operations: [{ op: 'move', name: ['team/a'] }] }],
    ])('needs registry:catalog:* for %s', (_, body) => {
      expect(batch(body)).toEqual({ kind: 'scopes', scopes: [{ type: 'registry', name: 'catalog', action: '*' }] });
    });
  });
});
