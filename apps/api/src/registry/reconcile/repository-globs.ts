/**
 * REGISTRY_REPOSITORIES: comma-separated globs; `*` and `?` stay within one
 * path segment, `**` crosses them (`team/**` is every repository under team/).
 */
export function repositoryMatcher(globs: string[] | undefined): (name: string) => boolean {
  if (!globs) return () => true;
  const patterns = globs.map((glob) => new RegExp(`^${glob.split('**').map(segmentGlob).join('.*')}$`));
  return (name) => patterns.some((p) => p.test(name));
}

/** The globs without wildcards: repositories to walk even when the catalog does not list them. */
export function literalRepositories(globs: string[] | undefined): string[] {
  return (globs ?? []).filter((g) => !/[*?]/.test(g));
}

function segmentGlob(part: string): string {
  return part
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]');
}
