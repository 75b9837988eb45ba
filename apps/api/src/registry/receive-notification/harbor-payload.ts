import { createHash } from 'node:crypto';
import { type Hints, invalid, referenceCheck } from './hints';

const ACTIONS: Record<string, 'push' | 'delete'> = {
  PUSH_ARTIFACT: 'push',
  DELETE_ARTIFACT: 'delete',
  'harbor.artifact.pushed': 'push',
  'harbor.artifact.deleted': 'delete',
};

interface HarborData {
  resources?: { digest?: unknown; tag?: unknown }[];
  repository?: { repo_full_name?: unknown };
}

/**
 * Harbor's webhook, "Default" (`type`, `operator`, `event_data`) or
 * "CloudEvents" (structured: `id`, `type`, `operator`, `requestid`, `data`).
 * One resource per event; its `tag` is only the artifact's first tag, or
 * the digest when it has none, so a delete is checked by digest (every tag
 * on it). The Default format has no id: a hash of the payload stands in,
 * since Harbor's retries resend it unchanged.
 */
export function parseHarborPayload(body: unknown, raw: Buffer): Hints {
  const payload = body as { type?: unknown; id?: unknown; operator?: unknown; requestid?: unknown; event_data?: HarborData; data?: HarborData } | null;
  if (typeof payload !== 'object' || payload === null || typeof payload.type !== 'string') throw invalid('a Harbor payload has a "type"');
  const action = ACTIONS[payload.type];
  if (!action) return { checks: [], ignored: 1 };
  const data = payload.data ?? payload.event_data;
  const resource = data?.resources?.[0];
  if (!data || typeof resource !== 'object' || resource === null) throw invalid('a Harbor artifact event names its resource');
  const id = typeof payload.id === 'string' && payload.id !== '' ? payload.id : `sha256:${createHash('sha256').update(raw).digest('hex')}`;
  const reference = action === 'delete' ? resource.digest : resource.tag;
  const check = referenceCheck(action, {
    id,
    repository: data.repository?.repo_full_name,
    reference,
    digest: resource.digest,
    actor: payload.operator,
    requestId: payload.requestid,
  });
  return check ? { checks: [check], ignored: 0 } : { checks: [], ignored: 1 };
}
