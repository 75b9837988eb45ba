import {
  assertRepositoryName,
  assertTagName,
  decodePrettyJws,
  parseTagJws,
  parseTagObject,
  type PutTag,
  signedFormat,
  TAG_JWS_MEDIA_TYPE,
  TAG_MEDIA_TYPE,
  TAG_PRETTY_JWS_MEDIA_TYPE,
  TagHistoryError,
} from '@tag-history/domain';
import type { TrustPolicy } from '../../auth/trust-policy';
import { parseDateTime } from '../../http/input/date-time';
import { readJsonBody } from '../../http/request-body';
import { parseIfMatch, parseIfNoneMatch } from '../../http/preconditions';

export const PUT_TAG_MEDIA_TYPES = [TAG_MEDIA_TYPE, 'application/json', TAG_JWS_MEDIA_TYPE, TAG_PRETTY_JWS_MEDIA_TYPE] as const;

export interface PutTagRequest {
  name: string;
  tag: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/**
 * A client-signed tag (`+jws`, or `+prettyjws` rebuilt to the JWS it stands
 * for) must verify under the trust policy; its payload is then the tag object.
 * A pretty format its signatures carry must fit the payload, so that the
 * tag's signed answers can be served in the pretty form too.
 */
export async function parsePutTagRequest({ name, tag, headers, body }: PutTagRequest, trust: TrustPolicy): Promise<PutTag> {
  assertRepositoryName(name);
  assertTagName(tag);
  const expectedVersion = parseIfMatch(headers['if-match']);
  const createOnly = parseIfNoneMatch(headers['if-none-match']);
  const contentType = headers['content-type'] as string | undefined;
  const json = readJsonBody(body, contentType, PUT_TAG_MEDIA_TYPES);
  const mediaType = contentType?.split(';', 1)[0]!.trim().toLowerCase();
  if (mediaType !== TAG_JWS_MEDIA_TYPE && mediaType !== TAG_PRETTY_JWS_MEDIA_TYPE) {
    trust.assertUnsignedAllowed(name);
    const { object, expiresAt } = withoutExpiresAt(json);
    return { type: 'PutTag', data: { repository: name, tag, target: parseTagObject(object, { name, tag }).target, expectedVersion, createOnly, ...expiresAt } };
  }
  const jws = mediaType === TAG_PRETTY_JWS_MEDIA_TYPE ? decodePrettyJws(body as Buffer) : parseTagJws(json);
  signedFormat(jws, { required: false });
  const { object, expiresAt } = withoutExpiresAt(await trust.verify(name, jws));
  return {
    type: 'PutTag',
    data: { repository: name, tag, target: parseTagObject(object, { name, tag }).target, expectedVersion, createOnly, jws, ...expiresAt },
  };
}

/** A tag object may carry `expiresAt` (RFC 3339): when a policy run deletes the target this put sets. */
function withoutExpiresAt(json: unknown): { object: unknown; expiresAt: { expiresAt?: string } } {
  if (typeof json !== 'object' || json === null || Array.isArray(json) || !('expiresAt' in json)) return { object: json, expiresAt: {} };
  const { expiresAt, ...object } = json as Record<string, unknown>;
  let at: Date | undefined;
  try {
    at = typeof expiresAt === 'string' ? parseDateTime('expiresAt', expiresAt) : undefined;
  } catch {
    at = undefined;
  }
  // Its offset may carry it out of the years 0001-9999 that RFC 3339, and the column, can write.
  const year = at?.getUTCFullYear() ?? 0;
  if (!at || year < 1 || year > 9999)
    throw new TagHistoryError('BODY_INVALID', 'expiresAt must be an RFC 3339 date-time such as 2026-01-31T12:00:00Z', { expiresAt: String(expiresAt) });
  return { object, expiresAt: { expiresAt: at.toISOString() } };
}
