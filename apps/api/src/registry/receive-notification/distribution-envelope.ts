import { assertDigest, assertRepositoryName, assertTagName } from '@tag-history/domain';
import type { NewCheck } from '../registry-checks';
import { type Hints, invalid } from './hints';

export const DISTRIBUTION_EVENTS_MEDIA_TYPE = 'application/vnd.docker.distribution.events.v1+json';
const MAX_EVENTS = 1000;
const BLOB = 'application/octet-stream';

interface DistributionEvent {
  id?: unknown;
  action?: unknown;
  target?: { repository?: unknown; tag?: unknown; digest?: unknown; mediaType?: unknown };
  request?: { id?: unknown };
  actor?: { name?: unknown };
  source?: { instanceID?: unknown };
}

/**
 * A Distribution notification envelope, `{"events": [...]}`, as hints:
 * - `push` with a tag: check that tag (the registry sends it before it
 *   writes the tag, so the check may have to look again);
 * - `delete` with a tag and no digest: check that tag;
 * - `delete` with a digest and no tag: check every tag on that digest (the
 *   registry sends one tag-only delete per removed tag after it, with the
 *   same `request.id`, and a blob delete looks the same);
 * - anything else changes no tag.
 */
export function parseDistributionEnvelope(body: unknown): Hints {
  const events = (body as { events?: unknown } | null)?.events;
  if (typeof body !== 'object' || body === null || !Array.isArray(events) || events.length === 0) {
    throw invalid('a Distribution envelope is {"events": [...]} with at least one event');
  }
  if (events.length > MAX_EVENTS) throw invalid(`an envelope may hold at most ${MAX_EVENTS} events`, { events: events.length });
  const hints: Hints = { checks: [], ignored: 0 };
  events.forEach((raw: unknown, index) => {
    const event = raw as DistributionEvent;
    const where = `events[${index}]`;
    if (typeof event !== 'object' || event === null || Array.isArray(event)) throw invalid(`${where} must be an object`);
    if (typeof event.id !== 'string' || event.id === '' || event.id.length > 200) throw invalid(`${where}.id must be the event's id`, { id: event.id });
    if (typeof event.action !== 'string') throw invalid(`${where}.action must be a string`, { action: event.action });
    const target = event.target;
    if (typeof target !== 'object' || target === null) throw invalid(`${where}.target must be an object`);
    const instance = event.source?.instanceID;
    if (typeof instance === 'string' && instance !== '') hints.instanceId = instance;
    const check = toCheck(event.action, target, where);
    if (!check) {
      hints.ignored++;
      return;
    }
    hints.checks.push({
      ...check,
      notification_id: event.id,
      actor: typeof event.actor?.name === 'string' && event.actor.name !== '' ? event.actor.name : null,
      request_id: typeof event.request?.id === 'string' ? event.request.id : null,
    });
  });
  return hints;
}

function toCheck(
  action: string,
  target: NonNullable<DistributionEvent['target']>,
  where: string,
): Pick<NewCheck, 'kind' | 'repository' | 'tag' | 'digest'> | undefined {
  if (action !== 'push' && action !== 'delete') return undefined;
  const { repository, tag, digest } = target;
  if (action === 'push' && (tag === undefined || target.mediaType === BLOB)) return undefined;
  if (typeof repository !== 'string') throw invalid(`${where}.target.repository must be a repository name`, { repository });
  assertRepositoryName(repository);
  if (tag !== undefined) assertTagName(tag);
  if (digest !== undefined) assertDigest(digest);
  if (action === 'push') {
    if (digest === undefined) throw invalid(`${where}: a push names the digest it pushed`);
    return { kind: 'push', repository, tag: tag as string, digest };
  }
  if (tag !== undefined) return { kind: 'delete-tag', repository, tag: tag as string, digest: (digest as string | undefined) ?? null };
  if (digest !== undefined) return { kind: 'delete-digest', repository, tag: null, digest };
  throw invalid(`${where}: a delete names a tag or a digest`);
}
