import { TagHistoryError } from '../errors/tag-history-error';

// distribution/reference: path components are lowercase alphanumerics
// joined by ".", "_", "__" or runs of "-"; components are joined by "/".
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
/** The one name grammar: validation, the access policy and the OpenAPI document read it. */
export const REPOSITORY_NAME = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);
export const MAX_NAME_LENGTH = 255;

export function assertRepositoryName(value: unknown): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new TagHistoryError('NAME_INVALID', 'repository name must not be empty', { name: value });
  }
  if (value.length > MAX_NAME_LENGTH) {
    throw new TagHistoryError('NAME_INVALID', `repository name must not be longer than ${MAX_NAME_LENGTH} characters`, {
      name: value,
    });
  }
  if (!REPOSITORY_NAME.test(value)) {
    const hint = /[A-Z]/.test(value) ? ' (it must be lowercase)' : '';
    throw new TagHistoryError('NAME_INVALID', `invalid repository name${hint}`, { name: value });
  }
}
