import { parseReference, REPOSITORY_NAME } from '@tag-history/domain';
import { CATALOG, type Scope } from './scope';

/** What a request needs: nothing, or every listed scope (none: any valid token), or else `orElse` when given. */
export type Requirement = { kind: 'public' } | { kind: 'scopes'; scopes: Scope[]; orElse?: Scope };

// `/metrics` checks METRICS_TOKEN itself: a scraper sends a static header (observability/metrics-access.ts).
const PUBLIC_PATHS = new Set(['/healthz', '/readyz', '/.well-known/jwks.json', '/metrics', '/v2/_openapi.json']);
// The transparency log's checkpoint, key, proofs and hash tiles are hashes only, for auditors without an account;
// witnesses authenticate by their signatures. Entry bundles (the events themselves) need the catalog scope.
const PUBLIC_LOG_PATH = /^\/v2\/_log\/(checkpoint|key|proof\/inclusion|proof\/consistency|cosignatures|tile\/\d\/.*)$/;

/**
 * The one access policy, derived from the method and the rewritten path the
 * way registry token auth does, so that endpoints added later are covered
 * without a decorator of their own:
 * - `/v2/<name>/...`: GET and HEAD need `repository:<name>:pull`, DELETE of a
 *   tag (or anything but a pin) `delete`, any other method `push` (a pin is
 *   a write like a move, so removing one is `push` too);
 * - `/v2/_resolve` needs `pull` on the repository its reference names;
 * - `POST /v2/_batch` needs the scope of every operation (`push` for create
 *   and move, `delete` for delete) on its repository, or `registry:catalog:*`;
 *   a body this policy cannot read needs `registry:catalog:*`;
 * - `POST /v2/_notifications/...` checks the registry's own token;
 * - `/v2/` needs any valid token, and so does reading tag policies
 *   (`GET /v2/_policies...`): everyone may read the rules;
 * - every other `/v2/_...` endpoint, and any path this policy does not know,
 *   needs `registry:catalog:*` (deny by default).
 */
export function requiredScopes(method: string, url: string, body?: unknown): Requirement {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  // The audit page's files are public; every request it makes carries the token the page asks for.
  if (PUBLIC_PATHS.has(path) || PUBLIC_LOG_PATH.test(path) || path === '/ui' || path.startsWith('/ui/')) return { kind: 'public' };
  // Registries send a static token of their own (REGISTRY_NOTIFICATIONS_TOKEN), checked by the endpoint.
  if (path.startsWith('/v2/_notifications/') && method.toUpperCase() === 'POST') return { kind: 'public' };
  // The API version check: any valid token, as a registry answers it.
  if (path === '/v2/' || path === '/v2') return { kind: 'scopes', scopes: [] };
  if (/^\/v2\/_policies(\/|$)/.test(path) && /^(GET|HEAD)$/i.test(method)) return { kind: 'scopes', scopes: [] };
  if (!path.startsWith('/v2/')) return { kind: 'scopes', scopes: [CATALOG] };
  // Decided on the path as the router sees it: every segment percent-decoded (`%5Fpins` is `_pins`, `team%2Fa` is `team/a`).
  const segments = path.slice('/v2/'.length).split('/').map(decodeSegment);
  const [first, marker] = segments;
  if (path === '/v2/_resolve') return resolveRequirement(new URLSearchParams(q === -1 ? '' : url.slice(q + 1)).get('reference'));
  if (path === '/v2/_batch' && method.toUpperCase() === 'POST') return batchRequirement(body);
  if (first === undefined || marker === undefined || segments.includes(undefined) || first.startsWith('_') || !REPOSITORY_NAME.test(first)) {
    return { kind: 'scopes', scopes: [CATALOG] };
  }
  return { kind: 'scopes', scopes: [{ type: 'repository', name: first, action: actionFor(method.toUpperCase(), marker) }] };
}

function actionFor(method: string, marker: string): string {
  if (method === 'GET' || method === 'HEAD') return 'pull';
  if (method === 'DELETE' && marker !== '_pins') return 'delete';
  return 'push';
}

function resolveRequirement(reference: string | null): Requirement {
  try {
    return { kind: 'scopes', scopes: [{ type: 'repository', name: parseReference(reference ?? '').path, action: 'pull' }] };
  } catch {
    // A reference that does not parse reads nothing; the endpoint answers 400 to any authenticated caller.
    return { kind: 'scopes', scopes: [] };
  }
}

// A Map: an `op` such as `constructor` must find nothing, not Object's prototype.
const BATCH_ACTIONS = new Map([
  ['create', 'push'],
  ['move', 'push'],
  ['delete', 'delete'],
]);

function batchRequirement(body: unknown): Requirement {
  const catalogOnly: Requirement = { kind: 'scopes', scopes: [CATALOG] };
  let operations: unknown;
  try {
    operations = (JSON.parse(Buffer.isBuffer(body) ? body.toString('utf8') : '') as { operations?: unknown }).operations;
  } catch {
    return catalogOnly;
  }
  if (!Array.isArray(operations) || operations.length === 0) return catalogOnly;
  const scopes = new Map<string, Scope>();
  for (const operation of operations as { op?: unknown; name?: unknown }[]) {
    const action = typeof operation?.op === 'string' ? BATCH_ACTIONS.get(operation.op) : undefined;
    if (!action || typeof operation.name !== 'string' || !REPOSITORY_NAME.test(operation.name)) return catalogOnly;
    scopes.set(`${operation.name}:${action}`, { type: 'repository', name: operation.name, action });
  }
  return { kind: 'scopes', scopes: [...scopes.values()], orElse: CATALOG };
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
