/** Times in UTC, to the second: an audit compares times across people and zones. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

export function shortDigest(digest: string | null | undefined): string {
  if (!digest) return '—';
  const [alg, hex] = digest.split(':');
  return `${alg}:${(hex ?? '').slice(0, 12)}`;
}

const part = encodeURIComponent;
export const href = {
  repositories: () => '#/',
  repository: (name: string) => `#/r/${part(name)}`,
  tag: (name: string, tag: string) => `#/t/${part(name)}/${part(tag)}`,
  digest: (name: string, digest: string) => `#/d/${part(name)}/${part(digest)}`,
  event: (position: number) => `#/e/${position}`,
};

/** The API path of a repository: names keep their slashes, as the service's routes expect. */
export function repoPath(name: string): string {
  return name.split('/').map(part).join('/');
}

export const EVENT_LABELS: Record<string, string> = {
  TagCreated: 'created',
  TagMoved: 'moved',
  TagRestored: 'restored',
  TagDeleted: 'deleted',
};
