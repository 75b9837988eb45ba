import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { DATABASE, type Database } from '@tag-history/database';
import { TagHistoryError, type TagProvenance } from '@tag-history/domain';
import type { Kysely } from 'kysely';
import { type Change, RecordTag } from '../record-tag';
import { RegistryClient } from '../registry-client';
import { REGISTRY_CONFIG, type RegistryConfig } from '@tag-history/config';
import { RECONCILE_LEASE_MS, ReconcileLease } from './reconcile-lease';
import { literalRepositories, repositoryMatcher } from './repository-globs';

export interface ReconcileResult {
  repositories: number;
  tags: number;
  created: number;
  moved: number;
  deleted: number;
  errors: number;
}

const CONCURRENCY = 8;

/**
 * Walks the registry (its catalog, or REGISTRY_REPOSITORIES) and each
 * repository's tags/list, HEADs every tag, and records what differs from
 * this service, including tags the registry no longer has (deleted only
 * once a HEAD answers 404 too). Catches everything notifications miss.
 */
@Injectable()
export class Reconciler implements OnApplicationShutdown {
  private readonly logger = new Logger('reconcile');
  private stopped = false;
  private readonly inScope: (name: string) => boolean;

  constructor(
    @Inject(REGISTRY_CONFIG) private readonly config: RegistryConfig,
    @Inject(DATABASE) private readonly db: Kysely<Database>,
    private readonly client: RegistryClient,
    private readonly recordTag: RecordTag,
    private readonly lease: ReconcileLease,
  ) {
    this.inScope = repositoryMatcher(config.repositories);
  }

  onApplicationShutdown(): void {
    this.stopped = true;
  }

  async run(repository?: string): Promise<ReconcileResult> {
    const registry = this.config.host;
    const holder = randomUUID();
    if (!(await this.lease.acquire(registry, holder))) {
      throw new TagHistoryError('CONFLICT', `a reconcile of ${registry} is running already; retry when it is done`, { registry });
    }
    const renew = setInterval(() => void this.lease.renew(registry, holder).catch(() => undefined), RECONCILE_LEASE_MS / 3);
    const result: ReconcileResult = { repositories: 0, tags: 0, created: 0, moved: 0, deleted: 0, errors: 0 };
    try {
      const repositories = repository !== undefined ? [repository] : await this.repositories(result);
      for (const name of repositories) {
        if (this.stopped) break;
        await this.repository(name, result);
      }
    } finally {
      clearInterval(renew);
      await this.lease.release(registry, holder).catch(() => undefined);
    }
    this.logger.log(`${registry}: ${JSON.stringify(result)}`);
    return result;
  }

  private async repositories(result: ReconcileResult): Promise<string[]> {
    const names = new Set(literalRepositories(this.config.repositories));
    try {
      for (const name of await this.client.catalog()) names.add(name);
    } catch (error) {
      result.errors++;
      this.logger.warn(`catalog: ${(error as Error).message}`);
    }
    // Repositories this service has tags in, so one deleted from the registry altogether is noticed.
    const ours = await this.db.selectFrom('tags').select('repository').distinct().execute();
    for (const { repository } of ours) names.add(repository);
    return [...names].filter(this.inScope).sort();
  }

  private async repository(repository: string, result: ReconcileResult): Promise<void> {
    let theirs: string[];
    try {
      theirs = await this.client.listTags(repository);
    } catch (error) {
      result.errors++;
      this.logger.warn(`${repository}: ${(error as Error).message}`);
      return;
    }
    result.repositories++;
    result.tags += theirs.length;
    const ours = await this.db.selectFrom('tags').select('tag').where('repository', '=', repository).execute();
    const listed = new Set(theirs);
    const gone = ours.map((r) => r.tag).filter((t) => !listed.has(t));
    const queue = [...theirs, ...gone];
    const provenance: TagProvenance = { source: 'reconcile', registry: this.config.host };
    const actor = `registry:${this.config.host}`;
    const lanes = Array.from({ length: Math.min(CONCURRENCY, queue.length) }, async () => {
      for (let tag = queue.shift(); tag !== undefined && !this.stopped; tag = queue.shift()) {
        try {
          count(result, await this.recordTag.sync(repository, tag, () => actor, provenance));
        } catch (error) {
          result.errors++;
          this.logger.warn(`${repository}:${tag}: ${(error as Error).message}`);
        }
      }
    });
    await Promise.all(lanes);
  }
}

function count(result: ReconcileResult, change: Change): void {
  if (change === 'created' || change === 'moved' || change === 'deleted') result[change]++;
}
