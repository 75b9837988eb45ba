import type { Database } from '@tag-history/database';
import { splitHashes, type Tile, type TileId } from '@tag-history/transparency';
import type { Kysely } from 'kysely';

/** The stored hash tiles among `ids`. */
export async function readTiles(db: Kysely<Database>, ids: TileId[]): Promise<Tile[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('log_tiles')
    .selectAll()
    .where((eb) => eb.or(ids.map((id) => eb.and([eb('level', '=', id.level), eb('index', '=', id.index)]))))
    .execute();
  return rows.map((row) => ({ level: row.level, index: Number(row.index), hashes: splitHashes(row.hashes) }));
}
