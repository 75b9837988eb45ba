import { createHash, timingSafeEqual } from 'node:crypto';
import { TagHistoryError } from '@tag-history/domain';

/**
 * For callers that can only send a static header (a registry's
 * notifications, a Prometheus scraper): `Authorization: Bearer <token>`,
 * compared in constant time (over hashes, so the length does not leak
 * either). No token configured: refused.
 */
export function assertStaticBearer(header: string | string[] | undefined, token: string | undefined, message: string): void {
  const sent = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] : undefined;
  if (!token || !sent || !timingSafeEqual(sha256(sent), sha256(token))) throw new TagHistoryError('UNAUTHORIZED', message);
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
