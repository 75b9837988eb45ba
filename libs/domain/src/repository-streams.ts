import { pinStreamId } from './pin/pin-state';
import { tagStreamId } from './tag/tag-state';

/** What the ids of a repository's own streams begin with: its tags' (`<repository>:<tag>`) and pins' (`<repository>@<digest>`). */
export function repositoryStreamPrefixes(repository: string): string[] {
  return [tagStreamId(repository, ''), pinStreamId(repository, '')];
}

/**
 * Whether a stream is one of the repository's own. A repository's slice of the log holds these whole; other streams in
 * it, a policy's violations, hold events of every repository the policy covers, so their chains only show in the whole log.
 */
export function repositoryStreams(repository: string): (streamId: string) => boolean {
  const prefixes = repositoryStreamPrefixes(repository);
  return (streamId) => prefixes.some((prefix) => streamId.startsWith(prefix));
}
