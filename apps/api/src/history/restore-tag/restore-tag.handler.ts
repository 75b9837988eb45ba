import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { DATABASE, type Database } from '@tag-history/database';
import { TagHistoryError } from '@tag-history/domain';
import { EventStore } from '@tag-history/event-store';
import { lastTargetWithDigest, type PastTarget, targetAtVersion } from '../../queries';
import type { Kysely } from 'kysely';
import { CLOCK, type Clock } from '../../infrastructure/clock';
import { PolicyBook } from '../../policies/policy-book';
import { executeTagCommand, type TagWriteResult } from '../../tags/execute-tag-command';
import { RestoreTagCommand } from './restore-tag.command';

/** Looks up the past target (history never changes, so outside the retry loop), then decides like any write. */
@CommandHandler(RestoreTagCommand)
export class RestoreTagHandler implements ICommandHandler<RestoreTagCommand, TagWriteResult> {
  constructor(
    @Inject(DATABASE) private readonly db: Kysely<Database>,
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly policies: PolicyBook,
  ) {}

  async execute({ repository, tag, point, expectedVersion, writer }: RestoreTagCommand): Promise<TagWriteResult> {
    const past = await this.pastTarget(repository, tag, point);
    const command = { type: 'RestoreTag', data: { repository, tag, restoredVersion: past.version, target: past.target, expectedVersion } } as const;
    return executeTagCommand(this.store, command, writer, this.clock, this.policies);
  }

  private async pastTarget(repository: string, tag: string, point: RestoreTagCommand['point']): Promise<PastTarget> {
    if ('digest' in point) {
      const past = await lastTargetWithDigest(this.db, repository, tag, point.digest);
      if (!past) {
        throw new TagHistoryError('MANIFEST_UNKNOWN', `tag ${repository}:${tag} never pointed at ${point.digest}`, {
          name: repository,
          tag,
          digest: point.digest,
        });
      }
      return past;
    }
    const past = await targetAtVersion(this.db, repository, tag, point.version);
    if (!past) {
      throw new TagHistoryError('VERSION_UNKNOWN', `tag ${repository}:${tag} pointed nowhere at version ${point.version}`, {
        name: repository,
        tag,
        version: point.version,
      });
    }
    return past;
  }
}
