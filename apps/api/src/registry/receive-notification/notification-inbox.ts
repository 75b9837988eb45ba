import { Inject, Injectable } from '@nestjs/common';
import { DATABASE, type Database } from '@tag-history/database';
import type { Kysely } from 'kysely';
import { CLOCK, type Clock } from '../../infrastructure/clock';
import { CheckWorker } from '../check-hint/check-worker';
import { REGISTRY_CONFIG, type RegistryConfig } from '@tag-history/config';
import { RegistryChecks } from '../registry-checks';
import type { Hints } from './hints';

export interface Receipt {
  queued: number;
  duplicates: number;
  ignored: number;
}

/** Where every kind of notification lands: its hints queued durably, then the worker woken. */
@Injectable()
export class NotificationInbox {
  constructor(
    @Inject(REGISTRY_CONFIG) private readonly config: RegistryConfig,
    @Inject(DATABASE) private readonly db: Kysely<Database>,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly checks: RegistryChecks,
    private readonly worker: CheckWorker,
  ) {}

  async receive(hints: Hints): Promise<Receipt> {
    const registry = this.config.host;
    const queued = await this.checks.enqueue(registry, hints.checks);
    if (hints.instanceId && (await this.newInstance(registry, hints.instanceId))) {
      // A restarted Distribution lost whatever it had not delivered yet: only a reconcile finds it.
      await this.checks.enqueue(registry, [
        { notification_id: `instance:${hints.instanceId}`, kind: 'reconcile', repository: null, tag: null, digest: null, actor: null, request_id: null },
      ]);
    }
    this.worker.wake();
    return { queued, duplicates: hints.checks.length - queued, ignored: hints.ignored };
  }

  /** Records the registry process now sending; true when it replaces another one this service knew. */
  private async newInstance(registry: string, instanceId: string): Promise<boolean> {
    const previous = await this.db.selectFrom('registry_instances').select('instance_id').where('registry', '=', registry).executeTakeFirst();
    if (previous?.instance_id === instanceId) return false;
    await this.db
      .insertInto('registry_instances')
      .values({ registry, instance_id: instanceId, seen_at: this.clock() })
      .onConflict((oc) => oc.column('registry').doUpdateSet({ instance_id: instanceId, seen_at: this.clock() }))
      .execute();
    return previous !== undefined;
  }
}
