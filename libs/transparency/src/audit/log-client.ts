import type { EventJson, StreamHeadRecord } from '@tag-history/signing';
import { splitHashes, tilePath } from '../tiles';

/** What an auditor reads from the service, all of it untrusted. */
export interface LogClient {
  checkpoint(): Promise<string>;
  consistency(from: number, to: number): Promise<{ hashes: string[] }>;
  tile(level: number, index: number, width: number): Promise<Uint8Array[]>;
  /** One page of the change feed for a repository, after a cursor. */
  events(repository: string, after: string | undefined): Promise<{ events: EventJson[]; cursor: string }>;
  jwks(): Promise<{ keys: Record<string, unknown>[] }>;
  /** Where the repository's hash chains pick up after the log's archived prefix (GET /v2/_log/archived). */
  archived(repository: string): Promise<{ boundary: number; streams: StreamHeadRecord[] }>;
}

export class HttpError extends Error {}

/** The LogClient over HTTP, with an optional bearer token. */
export function httpLogClient(server: string, token?: string): LogClient {
  const base = server.replace(/\/+$/, '');
  const get = async (path: string): Promise<Response> => {
    const res = await fetch(`${base}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    if (!res.ok) throw new HttpError(`GET ${path} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
    return res;
  };
  // Parsed here rather than by Response.json(), so the objects come from this realm (the JWS checks compare them deeply).
  const json = async <T>(path: string): Promise<T> => JSON.parse(await (await get(path)).text()) as T;
  return {
    checkpoint: async () => (await get('/v2/_log/checkpoint')).text(),
    consistency: (from, to) => json(`/v2/_log/proof/consistency?from=${from}&to=${to}`),
    tile: async (level, index, width) => splitHashes(new Uint8Array(await (await get(`/v2/_log/${tilePath(level, index, width)}`)).arrayBuffer())),
    events: async (repository, after) => {
      const query = new URLSearchParams({ repository, limit: '1000', ...(after ? { after } : {}) });
      return json(`/v2/_events?${query}`);
    },
    jwks: () => json('/.well-known/jwks.json'),
    archived: (repository) => json(`/v2/_log/archived?${new URLSearchParams({ repository })}`),
  };
}
