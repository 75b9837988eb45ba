import { assertRepositoryName, assertTagName, parseTagObject, type PutTag, TAG_MEDIA_TYPE } from '@tag-history/domain';
import { readJsonBody } from '../../http/request-body';
import { parseIfMatch, parseIfNoneMatch } from '../../http/preconditions';

export const PUT_TAG_MEDIA_TYPES = [TAG_MEDIA_TYPE, 'application/json'] as const;

export interface PutTagRequest {
  name: string;
  tag: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export function parsePutTagRequest({ name, tag, headers, body }: PutTagRequest): PutTag {
  assertRepositoryName(name);
  assertTagName(tag);
  const expectedVersion = parseIfMatch(headers['if-match']);
  const createOnly = parseIfNoneMatch(headers['if-none-match']);
  const object = parseTagObject(readJsonBody(body, headers['content-type'] as string | undefined, PUT_TAG_MEDIA_TYPES), { name, tag });
  return { type: 'PutTag', data: { repository: name, tag, target: object.target, expectedVersion, createOnly } };
}
