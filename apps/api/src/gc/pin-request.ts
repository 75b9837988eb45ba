import { assertDigest, assertRepositoryName, type PinCommand, type PinState, TagHistoryError } from '@tag-history/domain';
import type { OperationResult } from '@tag-history/event-store';
import { readJsonBody } from '../http/request-body';

const MAX_REASON = 1_024;

/** `{"reason": "..."}`: why a manifest is pinned or unpinned, kept in the event. */
export function parsePinRequest(type: PinCommand['type'], name: string, digest: string, body: unknown, contentType: string | undefined): PinCommand {
  assertRepositoryName(name);
  assertDigest(digest);
  const value = readJsonBody(body, contentType, ['application/json']);
  const reason = (value as { reason?: unknown } | null)?.reason;
  const fields = typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.keys(value) : null;
  if (fields === null || fields.some((f) => f !== 'reason') || typeof reason !== 'string' || reason.trim() === '' || reason.length > MAX_REASON) {
    throw new TagHistoryError('BODY_INVALID', `body must be {"reason": "..."} with a non-empty reason of at most ${MAX_REASON} characters`);
  }
  return { type, data: { repository: name, digest, reason } };
}

export function pinWriteBody(name: string, digest: string, { state, events }: OperationResult<PinState>) {
  return {
    name,
    digest,
    pinned: state.pinned,
    reason: state.reason,
    version: state.version,
    events: events.map((e) => ({ type: e.type, version: e.version, position: e.position, time: e.recordedAt.toISOString() })),
  };
}
