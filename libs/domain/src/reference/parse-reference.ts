import { TagHistoryError } from '../errors/tag-history-error';
import { assertDigest } from './digest';
import { assertRepositoryName, MAX_NAME_LENGTH } from './repository-name';
import { assertTagName } from './tag-name';

export interface Reference {
  /** Registry host with optional port, when the reference names one. */
  domain?: string;
  /** The repository path inside the registry. */
  path: string;
  /** `domain/path`, as written. */
  name: string;
  tag?: string;
  digest?: string;
}

const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = new RegExp(`^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?$`);

/**
 * Parses `[domain[:port]/]path[:tag][@digest]` with the grammar of
 * distribution/reference. The reference is split into its parts first so
 * that a grammar error can name the part at fault (and its OCI code).
 *
 * The first component is taken as a domain the way Docker does it: when it
 * contains "." or ":", is "localhost", or is bracketed IPv6.
 */
export function parseReference(input: string): Reference {
  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    assertDigest(digest);
  }

  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    assertTagName(tag);
  }

  const name = rest;
  if (name.length === 0) {
    throw new TagHistoryError('NAME_INVALID', 'reference has no repository name', { reference: input });
  }
  if (name.length > MAX_NAME_LENGTH) {
    throw new TagHistoryError('NAME_INVALID', `repository name must not be longer than ${MAX_NAME_LENGTH} characters`, {
      reference: input,
    });
  }

  const slash = name.indexOf('/');
  const first = slash === -1 ? '' : name.slice(0, slash);
  const hasDomain = slash !== -1 && (first.includes('.') || first.includes(':') || first === 'localhost' || first.startsWith('['));
  let domain: string | undefined;
  let path = name;
  if (hasDomain) {
    if (!DOMAIN.test(first)) {
      throw new TagHistoryError('NAME_INVALID', 'invalid registry domain in reference', { reference: input, domain: first });
    }
    domain = first;
    path = name.slice(slash + 1);
  }
  assertRepositoryName(path);
  return { ...(domain ? { domain } : {}), path, name, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}
