import type { Database } from '@tag-history/database';
import { TagHistoryError } from '@tag-history/domain';
import {
  consistencyProof,
  encodeEntryBundle,
  type ExpandedTile,
  inclusionProof,
  leafHash,
  nodeLocation,
  nodesNeeded,
  type NodeReader,
  TILE_WIDTH,
  tileNodeReader,
  tileWidth,
} from '@tag-history/transparency';
import type { Kysely } from 'kysely';
import { FullTileCache } from './full-tile-cache';
import { readTiles } from './tile-rows';

export interface InclusionProof {
  position: number;
  leafIndex: number;
  treeSize: number;
  leafHash: string;
  hashes: string[];
}

export interface ConsistencyProof {
  from: number;
  to: number;
  hashes: string[];
}

const b64 = (h: Uint8Array) => Buffer.from(h).toString('base64');

/** The read side of the transparency log: checkpoints, proofs and tiles, always for sizes that were signed. */
export class LogReader {
  private readonly cache = new FullTileCache();

  constructor(private readonly db: Kysely<Database>) {}

  /** The latest checkpoint as served: its note, then the timestamp's and witnesses' cosignature lines. */
  async checkpoint(): Promise<{ size: number; note: string } | undefined> {
    const latest = await this.db.selectFrom('log_checkpoints').select(['size', 'note']).orderBy('size', 'desc').limit(1).executeTakeFirst();
    if (!latest) return undefined;
    const cosignatures = await this.db.selectFrom('log_cosignatures').select('line').where('size', '=', latest.size).orderBy('signed_at').execute();
    return { size: Number(latest.size), note: latest.note + cosignatures.map((c) => `${c.line}\n`).join('') };
  }

  /** The checkpoint body signed for `size`, if one was. */
  async signedBody(size: number): Promise<string | undefined> {
    const row = await this.db.selectFrom('log_checkpoints').select('note').where('size', '=', size).executeTakeFirst();
    return row?.note.slice(0, row.note.indexOf('\n\n') + 1);
  }

  /** Witness cosignature lines for the checkpoint of `size`; a witness's newer line replaces its older one. */
  async addCosignatures(size: number, lines: { name: string; line: string }[]): Promise<void> {
    if (lines.length === 0) return;
    const now = new Date();
    await this.db
      .insertInto('log_cosignatures')
      .values(lines.map((l) => ({ size, name: l.name, line: l.line, signed_at: now })))
      .onConflict((oc) => oc.columns(['size', 'name']).doUpdateSet((eb) => ({ line: eb.ref('excluded.line'), signed_at: now })))
      .execute();
  }

  /** The size of the latest checkpoint, or `size` itself when a checkpoint signed it; else 400 PARAMETER_INVALID. */
  async signedSize(name: string, size: number | undefined): Promise<number> {
    const query = this.db.selectFrom('log_checkpoints').select('size');
    const row = await (size === undefined ? query.orderBy('size', 'desc').limit(1) : query.where('size', '=', size)).executeTakeFirst();
    if (!row) throw new TagHistoryError('PARAMETER_INVALID', `${name} must be a tree size a checkpoint signed`, { [name]: size ?? null });
    return Number(row.size);
  }

  async inclusion(position: number, size?: number): Promise<InclusionProof> {
    const treeSize = await this.signedSize('size', size);
    if (!(position >= 1 && position <= treeSize)) {
      throw new TagHistoryError('PARAMETER_INVALID', `position must be between 1 and the tree size ${treeSize}`, { position, size: treeSize });
    }
    const [hashes, leaf] = await Promise.all([this.prove((read) => inclusionProof(read, position - 1, treeSize)), this.leaf(position)]);
    return { position, leafIndex: position - 1, treeSize, leafHash: leaf, hashes: hashes.map(b64) };
  }

  /** Inclusion proofs for many positions against one checkpoint size, with the tiles read once. */
  async inclusions(positions: number[], treeSize: number): Promise<InclusionProof[]> {
    const inside = positions.filter((p) => p >= 1 && p <= treeSize);
    const jws = await this.jwsAt(inside);
    return this.withTiles(
      (read) => inside.forEach((p) => inclusionProof(read, p - 1, treeSize)),
      (read) =>
        inside.map((p) => ({
          position: p,
          leafIndex: p - 1,
          treeSize,
          leafHash: b64(leafHash(jws.get(p)!)),
          hashes: inclusionProof(read, p - 1, treeSize).map(b64),
        })),
    );
  }

  async consistency(from: number, to?: number): Promise<ConsistencyProof> {
    const [m, n] = [await this.signedSize('from', from), await this.signedSize('to', to)];
    if (m < 1 || m > n) throw new TagHistoryError('PARAMETER_INVALID', 'from must be at least 1 and at most to', { from: m, to: n });
    const hashes = await this.prove((read) => consistencyProof(read, m, n));
    return { from: m, to: n, hashes: hashes.map(b64) };
  }

  /** A hash tile of `width` hashes, when the latest signed tree has that many in it. */
  async tile(level: number, index: number, width: number): Promise<Buffer | undefined> {
    const size = await this.signedSize('size', undefined);
    if (tileWidth(size, level, index) < width) return undefined;
    const [tile] = await readTiles(this.db, [{ level, index }]);
    return tile && Buffer.concat(tile.hashes.slice(0, width));
  }

  /** An entry bundle: the JWS bytes of positions index * 256 + 1 and on. */
  async entries(index: number, width: number): Promise<Buffer | undefined> {
    const size = await this.signedSize('size', undefined);
    if (tileWidth(size, 0, index) < width) return undefined;
    const first = index * TILE_WIDTH + 1;
    const rows = await this.db.selectFrom('events').select('jws').where('position', '>=', first).where('position', '<', first + width).orderBy('position').execute();
    return encodeEntryBundle(rows.map((r) => Buffer.from(r.jws)));
  }

  private async leaf(position: number): Promise<string> {
    const jws = await this.jwsAt([position]);
    return b64(leafHash(jws.get(position)!));
  }

  private async jwsAt(positions: number[]): Promise<Map<number, string>> {
    if (positions.length === 0) return new Map();
    const rows = await this.db.selectFrom('events').select(['position', 'jws']).where('position', 'in', positions).execute();
    return new Map(rows.map((r) => [Number(r.position), r.jws]));
  }

  private prove(build: (read: NodeReader) => Uint8Array[]): Promise<Uint8Array[]> {
    return this.withTiles(build, build);
  }

  /** Runs `plan` to learn which tiles the proofs read, loads them in one query, then runs `build` on them. */
  private async withTiles<T>(plan: (read: NodeReader) => unknown, build: (read: NodeReader) => T): Promise<T> {
    const ids = new Map(nodesNeeded(plan).map((n) => nodeLocation(n.level, n.index)).map((t) => [`${t.level}/${t.index}`, { level: t.level, index: t.index }]));
    const tiles = new Map<string, ExpandedTile>();
    const missing = [...ids.entries()].filter(([key, id]) => {
      const cached = this.cache.get(id.level, id.index);
      if (cached) tiles.set(key, cached);
      return !cached;
    });
    for (const tile of await readTiles(this.db, missing.map(([, id]) => id))) {
      tiles.set(`${tile.level}/${tile.index}`, this.cache.offer(tile));
    }
    return build(tileNodeReader(tiles));
  }
}
