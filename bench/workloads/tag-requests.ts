import { createHash } from 'node:crypto';
import { TAG_MEDIA_TYPE } from '@tag-history/domain';
import type autocannon from 'autocannon';

// Request factories run in the load driver process (see driver/load-spec.ts).

export interface TagSetParams {
  repository: string;
  /** Tags t0..t<tags-1>; each request picks one at random. */
  tags: number;
}

const pick = (tags: number) => `t${Math.floor(Math.random() * tags)}`;
const digest = (seed: string) => `sha256:${createHash('sha256').update(seed).digest('hex')}`;

/** PUT without If-Match to a new digest every time: each request is a create or a move, never a no-op. */
export function moveRequests({ repository, tags }: TagSetParams): autocannon.Request[] {
  const salt = `${process.pid}-${Date.now()}`;
  let n = 0;
  return [
    {
      method: 'PUT',
      headers: { 'content-type': TAG_MEDIA_TYPE },
      setupRequest: (request) => {
        const tag = pick(tags);
        const target = { mediaType: 'application/vnd.oci.image.manifest.v1+json', size: 1234, digest: digest(`${salt}-${n++}`) };
        return { ...request, path: `/v2/${repository}/_tags/${tag}`, body: JSON.stringify({ name: repository, tag, target }) };
      },
    },
  ];
}

/** GET of the current tag. */
export function lookupRequests({ repository, tags }: TagSetParams): autocannon.Request[] {
  return [{ method: 'GET', setupRequest: (request) => ({ ...request, path: `/v2/${repository}/_tags/${pick(tags)}` }) }];
}

export const tagRequests = (name: 'moveRequests' | 'lookupRequests', params: TagSetParams) => ({ module: __filename, name, params });

export interface RepositoriesParams {
  repositories: string[];
  /** Tags t0..t<tags-1> in each. */
  tags: number;
}

/** GET of a history page of 10 of a random tag of a random repository: a read of the log by stream, newest first. */
export function historyPageRequests({ repositories, tags }: RepositoriesParams): autocannon.Request[] {
  const repository = () => repositories[Math.floor(Math.random() * repositories.length)]!;
  return [{ method: 'GET', setupRequest: (request) => ({ ...request, path: `/v2/${repository()}/_tags/${pick(tags)}/history?n=10` }) }];
}

export const historyPages = (params: RepositoriesParams) => ({ module: __filename, name: 'historyPageRequests', params });
