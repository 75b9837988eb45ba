import { Query } from '@nestjs/cqrs';
import type { ManifestRef } from '@tag-history/domain';

/** What a sweep holds leases on: the candidates it found unreferenced, in (repository, digest) order. */
export class SweepLeasesQuery extends Query<ManifestRef[]> {
  constructor(readonly sweepId: string) {
    super();
  }
}
