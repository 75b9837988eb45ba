import { assertRepositoryName, assertTagName, parseTagJws, parseTagObject, type PutTag, TAG_JWS_MEDIA_TYPE, TAG_MEDIA_TYPE } from '@tag-history/domain';
import type { TrustPolicy } from '../../auth/trust-policy';
import { mediaType, readJsonBody } from '../../http/request-body';
import { parseIfMatch, parseIfNoneMatch } from '../../http/preconditions';

export const PUT_TAG_MEDIA_TYPES = [TAG_MEDIA_TYPE, 'application/json', TAG_JWS_MEDIA_TYPE] as const;

export interface PutTagRequest {
  name: string;
  tag: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/** A client-signed tag (`+jws`) must verify under the trust policy; its payload is then the tag object. */
export async function parsePutTagRequest({ name, tag, headers, body }: PutTagRequest, trust: TrustPolicy): Promise<PutTag> {
  assertRepositoryName(name);
  assertTagName(tag);
  const expectedVersion = parseIfMatch(headers['if-match']);
  const createOnly = parseIfNoneMatch(headers['if-none-match']);
  const contentType = headers['content-type'] as string | undefined;
  const json = readJsonBody(body, contentType, PUT_TAG_MEDIA_TYPES);
  if (mediaType(contentType) !== TAG_JWS_MEDIA_TYPE) {
    trust.assertUnsignedAllowed(name);
    return { type: 'PutTag', data: { repository: name, tag, target: parseTagObject(json, { name, tag }).target, expectedVersion, createOnly } };
  }
  const jws = parseTagJws(json);
  const object = parseTagObject(await trust.verify(name, jws), { name, tag });
  return { type: 'PutTag', data: { repository: name, tag, target: object.target, expectedVersion, createOnly, jws } };
}
