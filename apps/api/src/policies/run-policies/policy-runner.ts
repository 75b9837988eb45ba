import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DATABASE, type Database } from '@tag-history/database';
import { type PlannedDelete, planCleanup, type Policy, policyActor, TagHistoryError, tagDeciderUnder, tagStreamId } from '@tag-history/domain';
import { EventStore, RulesChanged } from '@tag-history/event-store';
import type { Kysely } from 'kysely';
import { CLOCK, type Clock } from '../../infrastructure/clock';
import { PolicyBook } from '../policy-book';
import { cleanupCandidates } from './cleanup-candidates';
import { PolicyRunLease } from './policy-run-lease';

export interface CleanupPlan {
  now: Date;
  policies: Policy[];
  /** Their fingerprint: the deletes append only while they are in force. */
  rules?: string;
  deletes: PlannedDelete[];
}

export interface RunResult {
  deleted: ReturnType<typeof plannedView>[];
  /** Planned but not deleted: moved since the plan (PRECONDITION_FAILED), deleted already (TAG_UNKNOWN), or made immutable since. */
  kept: (ReturnType<typeof plannedView> & { code: string })[];
}

// Deletes go to the event store in chunks, with the lease renewed between them.
const CHUNK = 200;
// A write refused for one of these leaves the tag as someone else made it; anything else is a failure of the run.
const KEPT = new Set(['PRECONDITION_FAILED', 'TAG_UNKNOWN', 'TAG_IMMUTABLE']);

export function plannedView({ repository, tag, version, updatedAt, cause }: PlannedDelete) {
  return { name: repository, tag, version, updatedAt: updatedAt.toISOString(), policy: cause };
}

/**
 * Runs the expire and retain policies: decides (planCleanup, pure) on the
 * tags as they are, then deletes each planned tag with the version it was
 * planned at as its expected version, so a tag moved since is kept. Each
 * delete is an ordinary signed TagDeleted by `policy:<id>`, with the policy
 * in its data.
 */
@Injectable()
export class PolicyRunner {
  private readonly logger = new Logger('policies');
  private readonly holder = randomUUID();

  constructor(
    @Inject(DATABASE) private readonly db: Kysely<Database>,
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly book: PolicyBook,
    private readonly lease: PolicyRunLease,
  ) {}

  async plan(): Promise<CleanupPlan> {
    const now = this.clock();
    // Read, not remembered: another instance may have changed them, and no write of this one has been refused for it yet.
    const { policies, rules } = await this.book.refresh();
    return { now, policies, rules, deletes: planCleanup(policies, await cleanupCandidates(this.db, policies, now), now) };
  }

  /** One run, by whichever instance holds the lease: 409 CONFLICT while another runs. */
  async run(): Promise<RunResult> {
    if (!(await this.anythingToDo())) return { deleted: [], kept: [] };
    return this.leased(async () => this.execute(await this.plan()));
  }

  /** Without expire or retain policies and tags' own expiries, a run neither takes the lease nor reads the clock. */
  private async anythingToDo(): Promise<boolean> {
    if ((await this.book.refresh()).policies.some((p) => p.rule === 'expire' || p.rule === 'retain')) return true;
    return (await this.db.selectFrom('tag_expiry').select('tag').limit(1).execute()).length > 0;
  }

  /** Carries out a plan under the lease. */
  async leased<T>(work: () => Promise<T>): Promise<T> {
    if (!(await this.lease.acquire(this.holder))) throw new TagHistoryError('CONFLICT', 'another instance is running the policies; retry later');
    try {
      return await work();
    } finally {
      await this.lease.release(this.holder);
    }
  }

  async execute({ policies, rules, deletes }: CleanupPlan): Promise<RunResult> {
    const result: RunResult = { deleted: [], kept: [] };
    const decider = tagDeciderUnder(policies);
    for (let i = 0; i < deletes.length; i += CHUNK) {
      if (i > 0 && !(await this.lease.renew(this.holder))) throw new TagHistoryError('CONFLICT', 'the policy run lost its lease');
      const chunk = deletes.slice(i, i + CHUNK);
      const outcomes = await Promise.allSettled(
        chunk.map(({ repository, tag, version, cause }) =>
          this.store.write(
            [
              {
                streamId: tagStreamId(repository, tag),
                decider,
                command: { type: 'DeleteTag', data: { repository, tag, expectedVersion: version, policy: cause } },
              },
            ],
            { actor: policyActor(cause), time: this.clock(), rules },
          ),
        ),
      );
      outcomes.forEach((outcome, k) => {
        const view = plannedView(chunk[k]!);
        if (outcome.status === 'fulfilled') return result.deleted.push(view);
        const code = outcome.reason instanceof TagHistoryError ? outcome.reason.code : undefined;
        if (code && KEPT.has(code)) return result.kept.push({ ...view, code });
        if (outcome.reason instanceof RulesChanged) throw new TagHistoryError('CONFLICT', 'the policies changed during the run; run it again');
        throw outcome.reason;
      });
    }
    if (result.deleted.length + result.kept.length > 0) this.logger.log(`policy run: ${result.deleted.length} deleted, ${result.kept.length} kept`);
    return result;
  }
}
