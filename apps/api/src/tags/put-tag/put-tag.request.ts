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
} from '@tag-history/domain';
import type { TrustPolicy } from '../../auth/trust-policy';
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
    return { type: 'PutTag', data: { repository: name, tag, target: parseTagObject(json, { name, tag }).target, expectedVersion, createOnly } };
  }
  const jws = mediaType === TAG_PRETTY_JWS_MEDIA_TYPE ? decodePrettyJws(body as Buffer) : parseTagJws(json);
  signedFormat(jws, { required: false });
  const object = parseTagObject(await trust.verify(name, jws), { name, tag });
  return { type: 'PutTag', data: { repository: name, tag, target: object.target, expectedVersion, createOnly, jws } };
}
