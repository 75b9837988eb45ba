import { type Hints, invalid, referenceCheck } from './hints';

interface ZotData {
  name?: unknown;
  reference?: unknown;
  digest?: unknown;
  actor?: { name?: unknown };
}

/**
 * Zot's CloudEvents: binary mode (attributes in `ce-*` headers, the body is
 * the data) as its HTTP sink sends them, or structured mode
 * (`application/cloudevents+json`). `*.image.updated` fires once per tag
 * that changed, `*.image.deleted` once per DELETE, with the reference the
 * client used (a tag, or a digest: then every tag on it went).
 */
export function parseCloudEvent(headers: Record<string, string | undefined>, body: unknown, structured: boolean): Hints {
  const event = structured ? (body as Record<string, unknown> | null) : { id: headers['ce-id'], type: headers['ce-type'], data: body };
  if (typeof event !== 'object' || event === null) throw invalid('a CloudEvent is a JSON object');
  const { id, type } = event;
  if (typeof id !== 'string' || id === '' || id.length > 200) throw invalid('a CloudEvent has an id (ce-id)', { id });
  if (typeof type !== 'string') throw invalid('a CloudEvent has a type (ce-type)', { type });
  const action = type.endsWith('.image.updated') ? 'push' : type.endsWith('.image.deleted') ? 'delete' : undefined;
  if (!action) return { checks: [], ignored: 1 };
  const data = event.data as ZotData | null;
  if (typeof data !== 'object' || data === null) throw invalid('a Zot image event carries its data');
  const check = referenceCheck(action, { id, repository: data.name, reference: data.reference, digest: data.digest, actor: data.actor?.name });
  return check ? { checks: [check], ignored: 0 } : { checks: [], ignored: 1 };
}
