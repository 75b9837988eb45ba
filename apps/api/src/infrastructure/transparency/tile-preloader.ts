import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Database } from '@tag-history/database';
import { splitHashes } from '@tag-history/transparency';
import type { Kysely } from 'kysely';
import type { TileCache } from './tile-cache';

// Tiles read and expanded per query: about 15 ms of hashing between two chances for requests to run.
const PAGE = 50;

/**
 * Fills the proofs' tile cache when the service starts, newest tiles first
 * (the ones recent checkpoints and proofs read most), until it is full or
 * every tile is in. Without it, a proof after a start reads and expands its
 * tiles itself, and a log of 10^6 events takes thousands of such misses to warm.
 */
export class TilePreloader implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('transparency');
  private stopped = false;
  private running?: Promise<number>;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly cache: TileCache,
  ) {}

  onApplicationBootstrap(): void {
    const started = Date.now();
    this.running = this.preload().then((tiles) => {
      this.logger.log(`${tiles} tiles preloaded for proofs in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return tiles;
    });
    this.running = this.running.catch((error: unknown) => {
      if (!this.stopped) this.logger.warn(`tiles not preloaded: ${error instanceof Error ? error.message : error}`);
      return 0;
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  /** Offers stored tiles to the cache, highest level and index first; returns how many. */
  async preload(): Promise<number> {
    let offered = 0;
    const top = await this.db
      .selectFrom('log_tiles')
      .select((eb) => eb.fn.max('level').as('level'))
      .executeTakeFirst();
    for (let level = Number(top?.level ?? -1); level >= 0; level--) {
      for (let below: number | undefined; ;) {
        if (this.stopped || this.cache.full) return offered;
        let query = this.db.selectFrom('log_tiles').selectAll().where('level', '=', level);
        if (below !== undefined) query = query.where('index', '<', below);
        const rows = await query.orderBy('index', 'desc').limit(PAGE).execute();
        for (const row of rows) this.cache.offer({ level, index: Number(row.index), hashes: splitHashes(row.hashes) });
        offered += rows.length;
        if (rows.length < PAGE) break;
        below = Number(rows.at(-1)!.index);
      }
    }
    return offered;
  }
}
