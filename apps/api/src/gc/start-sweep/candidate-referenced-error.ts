import { TagHistoryError } from '@tag-history/domain';

/** A write referenced one of a starting sweep's unreferenced candidates after the sweep read them: read them again. */
export class CandidateReferencedError extends TagHistoryError {
  constructor(repository: string, digest: string) {
    super('CONFLICT', `${repository}@${digest} was referenced while the sweep started; retry`, { name: repository, digest });
  }
}
