import { TagHistoryError } from '../errors/tag-history-error';

export interface Lease {
  repository: string;
  digest: string;
  sweep: string;
  leaseUntil: string;
}

/** The GC rule: while an open sweep holds a lease on a manifest, no write may make it referenced again. */
export function manifestBeingDeleted(lease: Lease): TagHistoryError {
  return new TagHistoryError('MANIFEST_BEING_DELETED', `${lease.repository}@${lease.digest} is being deleted by a garbage-collection sweep`, {
    name: lease.repository,
    digest: lease.digest,
    sweep: lease.sweep,
    leaseUntil: new Date(lease.leaseUntil).toISOString(),
  });
}
