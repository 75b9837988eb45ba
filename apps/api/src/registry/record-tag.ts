import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { DATABASE, type Database } from '@tag-history/database';
import { sameTarget, TagHistoryError, type TagProvenance, type Target } from '@tag-history/domain';
import type { Kysely } from 'kysely';
import { TagWriteCommand } from '../tags/execute-tag-command';
import { KeyedMutex } from './keyed-mutex';
import { RegistryClient } from './registry-client';

export type Change = 'created' | 'moved' | 'deleted' | 'unchanged' | 'deferred';

/**
 * Makes this service's current target of a tag what the registry answers,
 * through the same commands (and so the same decider and signed log) as the
 * API. Reading and writing one tag happen under one lock per tag.
 */
@Injectable()
export class RecordTag {
  private readonly mutex = new KeyedMutex();

  constructor(
    private readonly commandBus: CommandBus,
    private readonly client: RegistryClient,
    @Inject(DATABASE) private readonly db: Kysely<Database>,
  ) {}

  /**
   * Asks the registry where `tag` points, and records it. `actorFor` names who
   * made the change from what the registry answered, or null to record
   * nothing yet (`deferred`).
   */
  sync(repository: string, tag: string, actorFor: (actual: Target | null) => string | null, provenance: TagProvenance): Promise<Change> {
    return this.mutex.run(`${repository}:${tag}`, async () => {
      const actual = await this.client.headTag(repository, tag);
      const actor = actorFor(actual);
      return actor === null ? 'deferred' : this.record(repository, tag, actual, actor, provenance);
    });
  }

  private async record(repository: string, tag: string, actual: Target | null, actor: string, provenance: TagProvenance): Promise<Change> {
    const current = await this.current(repository, tag);
    if (sameTarget(current, actual)) return 'unchanged';
    if (actual === null) {
      try {
        await this.commandBus.execute(new TagWriteCommand({ type: 'DeleteTag', data: { repository, tag, provenance } }, { actor }));
      } catch (error) {
        // Deleted in between (by another check): nothing left to record.
        if (error instanceof TagHistoryError && error.code === 'TAG_UNKNOWN') return 'unchanged';
        throw error;
      }
      return 'deleted';
    }
    const result = await this.commandBus.execute(new TagWriteCommand({ type: 'PutTag', data: { repository, tag, target: actual, provenance } }, { actor }));
    const type = result.events[0]?.type;
    return type === 'TagCreated' ? 'created' : type === 'TagMoved' ? 'moved' : 'unchanged';
  }

  private async current(repository: string, tag: string): Promise<Target | null> {
    const row = await this.db
      .selectFrom('tags')
      .select(['media_type', 'size', 'digest'])
      .where('repository', '=', repository)
      .where('tag', '=', tag)
      .executeTakeFirst();
    return row ? { mediaType: row.media_type, size: Number(row.size), digest: row.digest } : null;
  }
}
