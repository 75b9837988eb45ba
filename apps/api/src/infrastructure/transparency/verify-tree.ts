import type { Database } from '@tag-history/database';
import { readArchiveBoundary } from '@tag-history/event-store';
import { edgeTiles, leafHash, type Tile, TILE_WIDTH, tileKey, TreeBuilder } from '@tag-history/transparency';
import type { Kysely } from 'kysely';
import { readTiles } from './tile-rows';

export interface TreeVerification {
  ok: boolean;
  size: number;
  root: string;
  problems: string[];
}

/**
 * Rebuilds the Merkle tree from the log, page by page, and compares it with
 * the stored one: every tile, the integrated root, and the latest checkpoint.
 * After an archive it starts from the boundary: the stored tiles of the tree's
 * right edge there must give the root the archived segment was proved to have.
 */
export async function verifyTree(db: Kysely<Database>, pageSize = 5_000): Promise<TreeVerification> {
  const tree = await db.selectFrom('log_tree').select(['size', 'root']).executeTakeFirstOrThrow();
  const size = Number(tree.size);
  const problems: string[] = [];
  const boundary = await readArchiveBoundary(db);
  const builder = new TreeBuilder(boundary.position, boundary.position > 0 ? await readTiles(db, edgeTiles(boundary.position)) : []);
  if (boundary.root && !Buffer.from(builder.root()).equals(Buffer.from(boundary.root))) {
    problems.push(`the stored tiles at the archive boundary ${boundary.position} do not give the root segment ${boundary.segment} was proved to have`);
  }
  const compare = async (tiles: Tile[]) => {
    const stored = new Map((await readTiles(db, tiles)).map((t) => [tileKey(t), Buffer.concat(t.hashes)]));
    for (const t of tiles) {
      if (!stored.get(tileKey(t))?.equals(Buffer.concat(t.hashes))) problems.push(`tile ${t.level}/${t.index} differs from the log's`);
    }
  };
  for (let after = boundary.position; after < size;) {
    const rows = await db
      .selectFrom('events')
      .select(['position', 'jws'])
      .where('position', '>', after)
      .where('position', '<=', size)
      .orderBy('position')
      .limit(pageSize)
      .execute();
    if (rows.length === 0) break;
    for (const row of rows) {
      if (Number(row.position) !== builder.size + 1) problems.push(`position ${builder.size + 1} is missing from the log`);
      builder.append(leafHash(row.jws));
    }
    after = Number(rows[rows.length - 1]!.position);
    // Full tiles are final: compare and forget them; the partial ones at the end.
    const changed = builder.takeChanged();
    await compare(changed.filter((t) => t.hashes.length === TILE_WIDTH));
    if (after >= size) await compare(changed.filter((t) => t.hashes.length < TILE_WIDTH));
  }
  if (builder.size !== size) problems.push(`the tree has ${size} leaves, the log ${builder.size} events up to there`);
  const root = Buffer.from(builder.root());
  if (!root.equals(Buffer.from(tree.root))) problems.push(`the stored root of size ${size} is not the log's`);
  const latest = await db.selectFrom('log_checkpoints').select(['size', 'root']).orderBy('size', 'desc').limit(1).executeTakeFirst();
  if (latest && Number(latest.size) === size && !root.equals(Buffer.from(latest.root)))
    problems.push(`the checkpoint of size ${size} signs another root than the log's`);
  return { ok: problems.length === 0, size, root: root.toString('base64'), problems: problems.slice(0, 100) };
}
