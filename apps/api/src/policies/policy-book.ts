import { Inject, Injectable } from '@nestjs/common';
import { DATABASE, type Database } from '@tag-history/database';
import type { Policy } from '@tag-history/domain';
import { RulesChanged } from '@tag-history/event-store';
import type { Kysely } from 'kysely';
import { readPolicyViews } from './read-policies';

/** Policies and their fingerprint, `<count>:<last position>`, as the append function compares it (migration 0012). */
export interface PolicySet {
  policies: Policy[];
  /** Absent: the writes are not checked against the policies in force (tests that write without any). */
  rules?: string;
}

/** Where a write gets the policies it is decided under. */
export interface PolicySource {
  current(): Promise<PolicySet>;
  /** Read again: those of `current()` were refused as out of date. */
  refresh(): Promise<PolicySet>;
}

export const NO_POLICIES: PolicySource = {
  current: async () => ({ policies: [] }),
  refresh: async () => ({ policies: [] }),
};

/**
 * The policies tag writes are decided under, kept in memory: each round
 * names their fingerprint and the database refuses it when they changed
 * (here or on another instance), so a change is read once, by the first
 * write it refuses, instead of by every write.
 */
@Injectable()
export class PolicyBook implements PolicySource {
  private known?: Promise<PolicySet>;

  constructor(@Inject(DATABASE) private readonly db: Kysely<Database>) {}

  current(): Promise<PolicySet> {
    return (this.known ??= this.read());
  }

  refresh(): Promise<PolicySet> {
    this.invalidate();
    return this.current();
  }

  /** This instance changed a policy: the next write reads them (a read under way may predate the change). */
  invalidate(): void {
    this.known = undefined;
  }

  /** Runs `write` under the policies in force, and again under the new ones each time it is refused for a change. */
  static async under<T>(source: PolicySource, write: (set: PolicySet) => Promise<T>): Promise<T> {
    let set = await source.current();
    for (;;) {
      try {
        return await write(set);
      } catch (error) {
        if (!(error instanceof RulesChanged)) throw error;
        set = await source.refresh();
      }
    }
  }

  private read(): Promise<PolicySet> {
    const reading = readPolicyViews(this.db).then((views) => ({
      policies: views.map((v) => ({ id: v.id, version: v.version, ...v.policy })),
      rules: `${views.length}:${Math.max(0, ...views.map((v) => v.position))}`,
    }));
    // A failed read is not kept: the next write reads again.
    reading.catch(() => this.known === reading && (this.known = undefined));
    return reading;
  }
}
