import { Query } from '@nestjs/cqrs';

export interface RepositorySummary {
  name: string;
  /** Tags that exist now. */
  tags: number;
  /** The last create, move, restore or delete of any of its tags. */
  lastChange: Date | null;
}

/** Repositories whose name contains `search`, in byte order after `last`, `limit` of them. */
export class ListRepositoriesQuery extends Query<RepositorySummary[]> {
  constructor(
    readonly limit: number,
    readonly search?: string,
    readonly last?: string,
  ) {
    super();
  }
}
