import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Database } from '@tag-history/database';
import { readArchivedHeads, readSigningKeys, toEventJson, toRecordedEvent } from '@tag-history/event-store';
import {
  consistencyProof,
  edgeTiles,
  HASH_SIZE,
  nodeInTile,
  type NoteVerifier,
  type Tile,
  type TileId,
  tileKey,
  tileNodeReader,
  tilePath,
  tileWidth,
} from '@tag-history/transparency';
import type { Kysely, Transaction } from 'kysely';
import { readTiles } from '../../../api/src/infrastructure/transparency/tile-rows';
import { CHECKPOINT, EVENTS, JWKS, LOG_KEY, MANIFEST, publishedJwks, SEGMENT_FORMAT, type SegmentManifest, type StreamHead } from './segment';

const PAGE = 5_000;
const b64 = (h: Uint8Array) => Buffer.from(h).toString('base64');

/**
 * Writes positions first..last of the log as a segment into `dir` (see
 * segment.ts), from one snapshot: the events, the level-0 tiles over them,
 * the latest signed checkpoint and the consistency proof from the segment's
 * end to it, the tree's edge before it, and the stream heads around it.
 */
export async function exportSegment(
  db: Kysely<Database>,
  range: { name: string; first: number; last: number },
  dir: string,
  logKey: NoteVerifier,
): Promise<SegmentManifest> {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute((trx) => exportInSnapshot(trx, range, dir, logKey));
}

async function exportInSnapshot(
  trx: Transaction<Database>,
  { name, first, last }: { name: string; first: number; last: number },
  dir: string,
  logKey: NoteVerifier,
) {
  const checkpoint = await trx.selectFrom('log_checkpoints').select(['size', 'note']).orderBy('size', 'desc').limit(1).executeTakeFirst();
  if (!checkpoint || Number(checkpoint.size) < last) throw new Error(`no signed checkpoint covers position ${last} yet: wait for the transparency log`);
  const size = Number(checkpoint.size);
  mkdirSync(dir, { recursive: true });

  // The events, and the stream heads they leave, in position order; each stream's head before the segment from its first event here.
  const before = new Map<string, StreamHead>();
  const after = new Map<string, StreamHead>();
  const hash = createHash('sha256');
  const lines: string[] = [];
  for (let at = first - 1; at < last;) {
    const rows = await trx.selectFrom('events').selectAll().where('position', '>', at).where('position', '<=', last).orderBy('position').limit(PAGE).execute();
    if (rows.length === 0) throw new Error(`positions ${at + 1} to ${last} are missing from the log`);
    for (const row of rows) {
      const event = toRecordedEvent(row);
      if (event.position !== at + 1) throw new Error(`position ${at + 1} is missing from the log`);
      at = event.position;
      const line = `${JSON.stringify(toEventJson(event))}\n`;
      hash.update(line);
      lines.push(line);
      if (!after.has(event.streamId) && event.version > 1)
        before.set(event.streamId, { stream: event.streamId, version: event.version - 1, hash: event.prevHash! });
      after.set(event.streamId, { stream: event.streamId, version: event.version, hash: event.hash });
    }
  }
  writeFileSync(join(dir, EVENTS), lines.join(''));
  // The heads before must be those the previous segments left: verified by verify-segment against the archive's record.
  const archived = new Map((await readArchivedHeads(trx)).map((h) => [h.stream, h]));
  for (const h of before.values()) {
    const recorded = archived.get(h.stream);
    if (first > 1 && recorded && (recorded.version !== h.version || recorded.hash !== h.hash)) {
      throw new Error(`stream ${h.stream}: its first event here does not follow its archived head`);
    }
  }

  const tiles = new Map<string, Tile>();
  const load = async (ids: TileId[]) => {
    const wanted = ids.filter((t) => !tiles.has(tileKey(t)));
    if (wanted.length === 0) return;
    for (const tile of await readTiles(trx, wanted)) tiles.set(tileKey(tile), tile);
  };
  // Level-0 tiles over the segment, as wide as the checkpoint's tree has them.
  const over: TileId[] = [];
  for (let index = Math.floor((first - 1) / 256); index <= Math.floor((last - 1) / 256); index++) over.push({ level: 0, index });
  await load(over);
  for (const id of over) {
    const width = tileWidth(size, 0, id.index);
    const tile = tiles.get(tileKey(id));
    if (!tile || tile.hashes.length < width) throw new Error(`tile 0/${id.index} is not stored`);
    const file = join(dir, tilePath(0, id.index, width));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, Buffer.concat(tile.hashes.slice(0, width)));
  }
  const edgeIds = edgeTiles(first - 1).filter((t) => tileWidth(first - 1, t.level, t.index) > 0);
  await load(edgeIds);
  const edge = edgeIds.map((t) => ({ ...t, hashes: b64(Buffer.concat(tiles.get(tileKey(t))!.hashes.slice(0, tileWidth(first - 1, t.level, t.index)))) }));
  const consistency = last === size ? [] : await proveWithTiles(load, tiles, (read) => consistencyProof(read, last, size));

  const jwks = publishedJwks(await readSigningKeys(trx));
  writeFileSync(join(dir, JWKS), `${JSON.stringify(jwks, null, 2)}\n`);
  writeFileSync(join(dir, LOG_KEY), `${logKey.text}\n`);
  const cosignatures = await trx.selectFrom('log_cosignatures').select('line').where('size', '=', checkpoint.size).orderBy('signed_at').execute();
  writeFileSync(join(dir, CHECKPOINT), checkpoint.note + cosignatures.map((c) => `${c.line}\n`).join(''));
  const origin = checkpoint.note.slice(0, checkpoint.note.indexOf('\n'));
  const manifest: SegmentManifest = {
    format: SEGMENT_FORMAT,
    name,
    origin,
    first,
    last,
    eventsSha256: hash.digest('hex'),
    checkpointSize: size,
    edge,
    consistency: consistency.map(b64),
    before: [...before.values()],
    after: [...after.values()],
  };
  writeFileSync(join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** Builds a proof from stored tiles, reading the tiles its nodes need until none is missing. */
async function proveWithTiles<T>(
  load: (ids: TileId[]) => Promise<void>,
  tiles: Map<string, Tile>,
  build: (read: (level: number, index: number) => Uint8Array) => T,
): Promise<T> {
  for (let pass = 0; pass < 4; pass++) {
    const missing = new Map<string, TileId>();
    const reader = tileNodeReader(new Map([...tiles].map(([k, t]) => [k, t.hashes])));
    const result = build((level, index) => {
      try {
        return reader(level, index);
      } catch {
        const at = nodeInTile(level, index);
        missing.set(tileKey(at), { level: at.level, index: at.index });
        return new Uint8Array(HASH_SIZE);
      }
    });
    if (missing.size === 0) return result;
    await load([...missing.values()]);
  }
  throw new Error('the tiles of the proof are not stored');
}
