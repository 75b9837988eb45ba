import { createHash, timingSafeEqual } from 'node:crypto';
import { TagHistoryError } from '@tag-history/domain';

/**
 * Registries can only send a static header, so the notification endpoints
 * take `Authorization: Bearer <REGISTRY_NOTIFICATIONS_TOKEN>`, compared in
 * constant time (over hashes, so the length does not leak either).
 */
export function assertNotificationToken(header: string | string[] | undefined, token: string | undefined): void {
  const sent = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] : undefined;
  if (!token || !sent || !timingSafeEqual(sha256(sent), sha256(token))) {
    throw new TagHistoryError('UNAUTHORIZED', 'notifications need Authorization: Bearer <REGISTRY_NOTIFICATIONS_TOKEN>');
  }
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
