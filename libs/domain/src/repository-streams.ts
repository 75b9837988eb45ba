/**
 * Whether a stream is one of a repository's own: its tags' (`<repository>:<tag>`) and pins' (`<repository>@<digest>`);
 * repository names hold neither character. A repository's slice of the log holds these whole; other streams in it, a
 * policy's violations, hold events of every repository the policy covers, so their chains only show in the whole log.
 */
export function repositoryStreams(repository: string): (streamId: string) => boolean {
  return (streamId) => streamId.startsWith(`${repository}:`) || streamId.startsWith(`${repository}@`);
}
