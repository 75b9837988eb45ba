import type { Writer } from '@tag-history/event-store';
import { Command } from '@nestjs/cqrs';
import type { TagWriteResult } from '../../tags/execute-tag-command';

/** Which past target to go back to: the one the tag had at a version, or the last time it had a digest. */
export type RestorePoint = { version: number } | { digest: string };

export class RestoreTagCommand extends Command<TagWriteResult> {
  constructor(
    readonly repository: string,
    readonly tag: string,
    readonly point: RestorePoint,
    readonly expectedVersion: number | undefined,
    readonly writer: Writer,
  ) {
    super();
  }
}
