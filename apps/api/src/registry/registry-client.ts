import { assertDigest, type Target } from '@tag-history/domain';
import type { RegistryConfig } from '@tag-history/config';

const MANIFEST_TYPES = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
].join(', ');
const TIMEOUT_MS = 10_000;
const PAGE = 1000;

/** The registry could not be asked (down, refused our credentials, answered 5xx): try again later. */
export class RegistryUnavailableError extends Error {}

/**
 * Reads an upstream registry with the distribution auth flow: anonymous
 * first; on a 401 HTTP basic, or a token from the realm a Bearer challenge
 * names (per scope, reused until the registry refuses it).
 */
export class RegistryClient {
  private readonly authorizations = new Map<string, string>();

  constructor(private readonly config: Pick<RegistryConfig, 'url' | 'username' | 'password'>) {}

  /** What `tag` points at now, as the registry itself answers; null when it has no such tag. */
  async headTag(repository: string, tag: string): Promise<Target | null> {
    const res = await this.request('HEAD', `/v2/${repository}/manifests/${encodeURIComponent(tag)}`, pull(repository));
    if (res.status === 404) return null;
    if (res.status !== 200) throw unexpected(res);
    const digest = res.headers.get('docker-content-digest') ?? '';
    const mediaType = res.headers.get('content-type')?.split(';', 1)[0]!.trim() ?? '';
    const size = Number(res.headers.get('content-length'));
    assertDigest(digest);
    if (!mediaType || !Number.isInteger(size)) throw new RegistryUnavailableError(`${repository}:${tag}: the registry's HEAD named no media type or size`);
    return { mediaType, size, digest };
  }

  /** The digests an image index (or manifest list) names; empty for an image manifest or one the registry no longer has. */
  async indexChildren(repository: string, digest: string): Promise<string[]> {
    const res = await this.request('GET', `/v2/${repository}/manifests/${digest}`, pull(repository));
    if (res.status === 404) return [];
    if (res.status !== 200) throw unexpected(res);
    const body = (await res.json()) as { manifests?: { digest?: unknown }[] };
    return (body.manifests ?? []).map((m) => m.digest).filter((d): d is string => typeof d === 'string');
  }

  /** `DELETE /v2/<name>/manifests/<digest>`: true when the registry deleted it, false when it did not have it. */
  async deleteManifest(repository: string, digest: string): Promise<boolean> {
    const res = await this.request('DELETE', `/v2/${repository}/manifests/${digest}`, `repository:${repository}:delete`);
    await res.body?.cancel();
    if (res.status === 202 || res.status === 200) return true;
    if (res.status === 404) return false;
    throw unexpected(res);
  }

  /** Every tag of `repository`, following the registry's pages; empty when the repository does not exist. */
  async listTags(repository: string): Promise<string[]> {
    return this.paged(`/v2/${repository}/tags/list?n=${PAGE}`, pull(repository), 'tags');
  }

  async catalog(): Promise<string[]> {
    return this.paged(`/v2/_catalog?n=${PAGE}`, 'registry:catalog:*', 'repositories');
  }

  private async paged(first: string, scope: string, field: 'tags' | 'repositories'): Promise<string[]> {
    const all: string[] = [];
    for (let path: string | undefined = first; path;) {
      const res = await this.request('GET', path, scope);
      if (res.status === 404 && field === 'tags') return all;
      if (res.status !== 200) throw unexpected(res);
      const body = (await res.json()) as Record<string, unknown>;
      const page = body[field];
      // Distribution answers `"tags": null` for a repository whose last tag was deleted.
      if (page !== null && !Array.isArray(page)) throw new RegistryUnavailableError(`${path}: no "${field}" list in the answer`);
      all.push(...((page ?? []) as string[]).filter((v) => typeof v === 'string'));
      path = nextPage(res.headers.get('link'));
    }
    return all;
  }

  private async request(method: string, path: string, scope: string): Promise<Response> {
    const send = (authorization?: string) =>
      fetch(`${this.config.url}${path}`, {
        method,
        headers: { accept: MANIFEST_TYPES, ...(authorization ? { authorization } : {}) },
        signal: AbortSignal.timeout(TIMEOUT_MS),
      }).catch((error: unknown) => {
        throw new RegistryUnavailableError(`${method} ${path}: ${(error as Error).message}`);
      });
    let res = await send(this.authorizations.get(scope));
    if (res.status !== 401) return res;
    await res.body?.cancel();
    const authorization = await this.answer(res.headers.get('www-authenticate') ?? '', scope);
    this.authorizations.set(scope, authorization);
    res = await send(authorization);
    if (res.status === 401 || res.status === 403) throw new RegistryUnavailableError(`${method} ${path}: the registry refused the credentials (${res.status})`);
    return res;
  }

  private async answer(challenge: string, scope: string): Promise<string> {
    const basic = this.config.username ? `Basic ${Buffer.from(`${this.config.username}:${this.config.password ?? ''}`).toString('base64')}` : undefined;
    if (/^basic\b/i.test(challenge)) {
      if (!basic) throw new RegistryUnavailableError('the registry asks for HTTP basic credentials: set REGISTRY_USERNAME and REGISTRY_PASSWORD');
      return basic;
    }
    if (!/^bearer\b/i.test(challenge)) throw new RegistryUnavailableError(`the registry sent an unknown challenge: ${challenge || '(none)'}`);
    const params = challengeParams(challenge);
    if (!params.realm) throw new RegistryUnavailableError("the registry's Bearer challenge names no realm");
    const realm = new URL(params.realm);
    if (params.service) realm.searchParams.set('service', params.service);
    realm.searchParams.set('scope', params.scope ?? scope);
    const res = await fetch(realm, { headers: basic ? { authorization: basic } : {}, signal: AbortSignal.timeout(TIMEOUT_MS) }).catch((error: unknown) => {
      throw new RegistryUnavailableError(`token realm ${realm.origin}: ${(error as Error).message}`);
    });
    if (!res.ok) throw new RegistryUnavailableError(`token realm ${realm.origin} answered ${res.status}`);
    const body = (await res.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw new RegistryUnavailableError(`token realm ${realm.origin} sent no token`);
    return `Bearer ${token}`;
  }
}

function pull(repository: string): string {
  return `repository:${repository}:pull`;
}

function unexpected(res: Response): Error {
  return new RegistryUnavailableError(`the registry answered ${res.status} to ${res.url}`);
}

/** `key="value"` pairs of a WWW-Authenticate challenge. */
export function challengeParams(challenge: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const m of challenge.matchAll(/(\w+)="([^"]*)"/g)) params[m[1]!.toLowerCase()] = m[2]!;
  return params;
}

/** The path of RFC 5988 `Link: <...>; rel="next"`, as registries page catalogs and tag lists. */
function nextPage(link: string | null): string | undefined {
  const match = link ? /<([^>]+)>\s*;\s*rel="?next"?/.exec(link) : null;
  if (!match) return undefined;
  const url = new URL(match[1]!, 'http://registry');
  return url.pathname + url.search;
}
