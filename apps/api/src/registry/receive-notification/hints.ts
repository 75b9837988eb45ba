import { assertDigest, assertRepositoryName, assertTagName, TagHistoryError } from '@tag-history/domain';
import type { NewCheck } from '../registry-checks';

/** What a notification says to check, whatever registry sent it. */
export interface Hints {
  checks: NewCheck[];
  /** Events that change no tag: pulls, mounts, blob pushes, pushes by digest. */
  ignored: number;
  /** Distribution's `source.instanceID` of the registry process that sent them, when it says. */
  instanceId?: string;
}

export function invalid(message: string, detail?: unknown): TagHistoryError {
  return new TagHistoryError('BODY_INVALID', message, detail);
}

const DIGEST_REFERENCE = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:/;

/**
 * A pushed or deleted manifest as Harbor and Zot name it: a reference that is
 * a tag, or a digest (a push by digest changes no tag; a delete by digest
 * removes every tag on it).
 */
export function referenceCheck(
  action: 'push' | 'delete',
  event: { id: string; repository: unknown; reference: unknown; digest: unknown; actor?: unknown; requestId?: unknown },
): NewCheck | undefined {
  const { repository, reference, digest } = event;
  if (typeof repository !== 'string') throw invalid('the event names no repository', { repository });
  assertRepositoryName(repository);
  if (digest !== undefined) assertDigest(digest);
  const byDigest = typeof reference !== 'string' || reference === '' || DIGEST_REFERENCE.test(reference);
  if (!byDigest) assertTagName(reference);
  const common = {
    notification_id: event.id,
    repository,
    actor: typeof event.actor === 'string' && event.actor !== '' ? event.actor : null,
    request_id: typeof event.requestId === 'string' ? event.requestId : null,
  };
  if (action === 'push') {
    if (byDigest) return undefined;
    if (digest === undefined) throw invalid('a push names the digest it pushed');
    return { ...common, kind: 'push', tag: reference as string, digest };
  }
  if (!byDigest) return { ...common, kind: 'delete-tag', tag: reference as string, digest: digest ?? null };
  const deleted = digest ?? reference;
  assertDigest(deleted);
  return { ...common, kind: 'delete-digest', tag: null, digest: deleted };
}
