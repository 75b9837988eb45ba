import type { Database } from '@tag-history/database';
import { cosignText, edgeTiles, formatCheckpoint, signText, type Tile, tileWidth, TreeBuilder } from '@tag-history/transparency';
import type { Kysely, Transaction } from 'kysely';
import { leafHashesAfter } from './leaf-hashes';
import type { LogKeys } from './log-keys';
import type { TileCache } from './tile-cache';
import { readTiles } from './tile-rows';

/** Leaves hashed per transaction: bounds how long the tree's row lock is held while catching up. */
export const INTEGRATION_BATCH = 10_000;

/**
 * Follows the committed log in position order and extends the Merkle tree
 * with what is new, then signs a checkpoint of exactly what it integrated,
 * all in one transaction. Instances take turns on log_tree's row lock, so
 * each leaf is integrated once; the append path is untouched.
 */
export class LogIntegrator {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly keys: LogKeys,
    private readonly now: () => Date,
    private readonly batch = INTEGRATION_BATCH,
    /** The proofs' tiles in this process: what is integrated here is handed to them once committed. */
    private readonly cache?: TileCache,
  ) {}

  /** Integrates everything committed so far; returns the signed size. */
  async integrateAll(): Promise<number> {
    for (;;) {
      const { size, added } = await this.integrate();
      if (added < this.batch) return size;
    }
  }

  /** One batch: integrate up to `batch` new leaves and sign their checkpoint (or the first checkpoint of an empty log). */
  async integrate(): Promise<{ size: number; added: number }> {
    const { tiles, ...integrated } = await this.db.transaction().execute(async (tx) => {
      const tree = await tx.selectFrom('log_tree').select(['size', 'root']).where('id', '=', 1).forUpdate().executeTakeFirstOrThrow();
      const size = Number(tree.size);
      const rows = await leafHashesAfter(tx, size, this.batch);
      // Positions are dense and commit in order; stopping at a gap keeps the tree a prefix of the log even if they did not.
      const dense = rows.filter((r, i) => r.position === size + 1 + i);
      if (dense.length === 0) {
        const signed = await tx.selectFrom('log_checkpoints').select('size').where('size', '=', size).executeTakeFirst();
        if (!signed) await this.sign(tx, size, tree.root);
        return { size, added: 0, tiles: [] };
      }
      const edge = await readTiles(
        tx,
        edgeTiles(size).filter((t) => tileWidth(size, t.level, t.index) > 0),
      );
      const builder = new TreeBuilder(size, edge);
      for (const row of dense) builder.append(row.leaf);
      const changed = builder.takeChanged();
      await writeTiles(tx, changed);
      const root = builder.root();
      await tx.updateTable('log_tree').set({ size: builder.size, root }).where('id', '=', 1).execute();
      await this.sign(tx, builder.size, root);
      return { size: builder.size, added: dense.length, tiles: changed };
    });
    for (const tile of tiles) this.cache?.offer(tile);
    return integrated;
  }

  /** Re-signs the timestamp cosignature of the latest checkpoint: the proof that the view is fresh. */
  async refreshTimestamp(): Promise<void> {
    const latest = await this.db.selectFrom('log_checkpoints').select(['size', 'root']).orderBy('size', 'desc').limit(1).executeTakeFirst();
    if (latest) await this.cosign(this.db, Number(latest.size), latest.root);
  }

  private async sign(tx: Transaction<Database>, size: number, root: Uint8Array): Promise<void> {
    const body = formatCheckpoint({ origin: this.keys.origin, size, root: Buffer.from(root) });
    const note = `${body}\n${signText(this.keys.checkpoint, body)}\n`;
    await tx.insertInto('log_checkpoints').values({ size, root, note, signed_at: this.now() }).execute();
    await this.cosign(tx, size, root);
  }

  private async cosign(db: Kysely<Database>, size: number, root: Uint8Array): Promise<void> {
    const now = this.now();
    const body = formatCheckpoint({ origin: this.keys.origin, size, root: Buffer.from(root) });
    const line = cosignText(this.keys.timestamp, body, Math.floor(now.getTime() / 1000));
    await db
      .insertInto('log_cosignatures')
      .values({ size, name: this.keys.timestamp.name, line, signed_at: now })
      .onConflict((oc) => oc.columns(['size', 'name']).doUpdateSet({ line, signed_at: now }))
      .execute();
  }
}

async function writeTiles(tx: Transaction<Database>, tiles: Tile[]): Promise<void> {
  if (tiles.length === 0) return;
  await tx
    .insertInto('log_tiles')
    .values(tiles.map((t) => ({ level: t.level, index: t.index, hashes: Buffer.concat(t.hashes) })))
    .onConflict((oc) => oc.columns(['level', 'index']).doUpdateSet((eb) => ({ hashes: eb.ref('excluded.hashes') })))
    .execute();
}
