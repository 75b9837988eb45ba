import { Inject, Injectable } from '@nestjs/common';
import { DATABASE, type Database } from '@tag-history/database';
import type { TagProvenance, Target } from '@tag-history/domain';
import type { Kysely } from 'kysely';
import { RecordTag } from '../record-tag';
import { REGISTRY_CONFIG, type RegistryConfig } from '@tag-history/config';
import type { Check } from '../registry-checks';

/**
 * One hint checked against the registry. What the registry answers is
 * recorded; the notification only says whom to credit: its actor when the
 * registry shows what it named, else `registry:<host>`. A push is notified
 * before the registry writes the tag, so a check that does not (yet) see
 * what was named answers `again` until its last attempt, which records the
 * registry's answer as it is.
 */
@Injectable()
export class CheckHint {
  constructor(
    @Inject(REGISTRY_CONFIG) private readonly config: RegistryConfig,
    @Inject(DATABASE) private readonly db: Kysely<Database>,
    private readonly recordTag: RecordTag,
  ) {}

  async run(check: Check): Promise<'done' | 'again'> {
    const last = check.attempts + 1 >= this.config.checkAttempts;
    const provenance: TagProvenance = {
      source: 'notification',
      registry: this.config.host,
      notificationId: check.notification_id,
      ...(check.request_id ? { requestId: check.request_id } : {}),
    };
    const registryActor = `registry:${this.config.host}`;
    const credit = (confirmed: boolean) => (confirmed ? (check.actor ?? registryActor) : last ? registryActor : null);
    const repository = check.repository!;
    if (check.kind === 'push' || check.kind === 'delete-tag') {
      const named = check.kind === 'push' ? check.digest : null;
      const change = await this.recordTag.sync(repository, check.tag!, (actual) => credit(digestOf(actual) === named), provenance);
      return change === 'deferred' ? 'again' : 'done';
    }
    // A digest deleted: every tag this service has on it is checked (the registry removed them with it).
    const tags = await this.db.selectFrom('tags').select('tag').where('repository', '=', repository).where('digest', '=', check.digest!).execute();
    let again = false;
    for (const { tag } of tags) {
      const change = await this.recordTag.sync(
        repository,
        tag,
        (actual) => (actual === null ? credit(true) : actual.digest !== check.digest ? registryActor : credit(false)),
        provenance,
      );
      again ||= change === 'deferred';
    }
    return again ? 'again' : 'done';
  }
}

function digestOf(target: Target | null): string | null {
  return target?.digest ?? null;
}
