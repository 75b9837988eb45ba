import { setTimeout as sleep } from 'node:timers/promises';
import { CompiledQuery, type DatabaseConnection, type Driver } from 'kysely';
import { requiredPosition } from './required-position';

export interface ReadRoutingOptions {
  /** How long a read that needs a position waits for a replica to apply it before the primary answers it. */
  maxWaitMs: number;
  /** How long a replica that refused a connection is left out before it is tried again. */
  retryDownMs: number;
}

/** What the router knows of one replica, shared by every pool on it. */
interface ReplicaState {
  /** The highest log position it was seen to have applied: positions only grow on a replica. */
  applied: number;
  downUntil: number;
}

const POLL_MS = 10;

/**
 * The one place that decides which copy of the database answers a read:
 * a replica, round-robin, when it is up and (for a read that needs one) has
 * applied the required log position; the primary otherwise. A replica's
 * applied position is its `log_head` row: appends update it in the
 * transaction of their events, so a replica that shows position p shows
 * every event up to p and the projections they made.
 */
export class ReadRouter {
  private readonly replicas: ReplicaState[];
  private next = 0;

  constructor(
    replicaCount: number,
    private readonly options: ReadRoutingOptions,
  ) {
    this.replicas = Array.from({ length: replicaCount }, () => ({ applied: 0, downUntil: 0 }));
  }

  /** A connection from the copy that answers: `replicas[i]` drives replica i. */
  async acquire(primary: Driver, replicas: Driver[]): Promise<{ driver: Driver; connection: DatabaseConnection }> {
    const min = requiredPosition();
    const deadline = Date.now() + this.options.maxWaitMs;
    for (;;) {
      const up = this.upReplicas();
      for (const i of up) {
        const found = await this.tryReplica(i, replicas[i]!, min);
        if (found) return { driver: replicas[i]!, connection: found };
      }
      if (min === undefined || up.length === 0 || Date.now() >= deadline) break;
      await sleep(Math.min(POLL_MS, deadline - Date.now()));
    }
    return { driver: primary, connection: await primary.acquireConnection() };
  }

  /** Up replicas, starting one further each call so that reads spread over them. */
  private upReplicas(): number[] {
    const now = Date.now();
    const start = this.next++ % Math.max(1, this.replicas.length);
    return this.replicas.map((_, k) => (start + k) % this.replicas.length).filter((i) => this.replicas[i]!.downUntil <= now);
  }

  private async tryReplica(i: number, driver: Driver, min: number | undefined): Promise<DatabaseConnection | undefined> {
    const state = this.replicas[i]!;
    let connection: DatabaseConnection;
    try {
      connection = await driver.acquireConnection();
    } catch {
      state.downUntil = Date.now() + this.options.retryDownMs;
      return undefined;
    }
    if (min === undefined || state.applied >= min) return connection;
    try {
      const { rows } = await connection.executeQuery<{ position: number | string }>(CompiledQuery.raw('select position from log_head where id = 1'));
      state.applied = Math.max(state.applied, Number(rows[0]?.position ?? 0));
    } catch {
      state.downUntil = Date.now() + this.options.retryDownMs;
    }
    if (state.applied >= min && state.downUntil <= Date.now()) return connection;
    await driver.releaseConnection(connection);
    return undefined;
  }
}
