import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type EventJson, fromEventJson, KeyRing, LogVerifier, type PublishedJwks } from '@tag-history/signing';
import {
  leafHash,
  openCheckpoint,
  parseVerifierKey,
  splitHashes,
  TILE_WIDTH,
  tileKey,
  tilePath,
  tileWidth,
  TreeBuilder,
  verifyConsistency,
} from '@tag-history/transparency';
import { CHECKPOINT, EVENTS, JWKS, LOG_KEY, MANIFEST, SEGMENT_FORMAT, type SegmentManifest } from './segment';

export interface SegmentVerification {
  ok: boolean;
  segment: string;
  first: number;
  last: number;
  events: number;
  checkpointSize: number;
  /** The tree's root at size `last` (base64), proved into the checkpoint. */
  root: string;
  /** Where the keys came from: pinned by the caller, or the segment's own files. */
  keys: 'pinned' | 'segment';
  problems: string[];
}

export interface PinnedSegmentKeys {
  jwks?: PublishedJwks;
  /** The checkpoint's verifier key (`<name>+<hash>+<key>`). */
  logKey?: string;
}

/**
 * Checks a segment folder (segment.ts) offline: every event's signature,
 * columns and chain (from the heads before the segment), the positions
 * dense from first to last, events.ndjson's hash, the level-0 tiles against
 * leaf hashes recomputed from the JWS, and the tree of size `last` (the edge
 * before the segment plus its leaves) proved consistent with the signed
 * checkpoint. A forged edge or tile gives another root, which the proof
 * against the signed one refuses. Keys not pinned are taken from the segment.
 */
export async function verifySegment(dir: string, pinned: PinnedSegmentKeys = {}): Promise<SegmentVerification> {
  const problems: string[] = [];
  const manifest = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')) as SegmentManifest;
  if (manifest.format !== SEGMENT_FORMAT) throw new Error(`${dir} is not a ${SEGMENT_FORMAT} segment`);
  const { first, last } = manifest;
  const jwks = pinned.jwks ?? (JSON.parse(readFileSync(join(dir, JWKS), 'utf8')) as PublishedJwks);
  const logKey = parseVerifierKey((pinned.logKey ?? readFileSync(join(dir, LOG_KEY), 'utf8')).trim());

  const text = readFileSync(join(dir, EVENTS));
  if (createHash('sha256').update(text).digest('hex') !== manifest.eventsSha256) problems.push(`${EVENTS} is not the file the manifest hashed`);
  const events = text
    .toString('utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => fromEventJson(JSON.parse(l) as EventJson));
  const verifier = new LogVerifier(KeyRing.fromJwks(jwks), true, { position: first - 1, heads: manifest.before });
  await verifier.add(events);
  const result = verifier.finish({ lastPosition: last });
  problems.push(...result.broken.map((b) => `position ${b.position}${b.stream ? ` (${b.stream})` : ''}: ${b.reason}`));
  if (events.length > 0 && events[events.length - 1]!.position > last) problems.push(`events run past position ${last}`);
  for (const head of manifest.after) {
    const seen = verifier.streamHeads.get(head.stream);
    if (seen?.version !== head.version || seen.hash !== head.hash)
      problems.push(`stream ${head.stream} does not end at version ${head.version} as the manifest says`);
  }

  // The tree before the segment, then its leaves: the level-0 tiles must be the leaf hashes of the JWS shown.
  let root: Uint8Array = new Uint8Array();
  try {
    const builder = new TreeBuilder(
      first - 1,
      manifest.edge.map((t) => ({ level: t.level, index: t.index, hashes: splitHashes(Buffer.from(t.hashes, 'base64')) })),
    );
    for (const e of events) builder.append(leafHash(e.jws));
    const built = new Map(builder.takeChanged().map((t) => [tileKey(t), Buffer.concat(t.hashes)]));
    for (let index = Math.floor((first - 1) / TILE_WIDTH); index <= Math.floor((last - 1) / TILE_WIDTH); index++) {
      const file = join(dir, tilePath(0, index, tileWidth(manifest.checkpointSize, 0, index)));
      if (!existsSync(file)) {
        problems.push(`tile 0/${index} is missing`);
        continue;
      }
      // The stored tile may run past the segment (up to the checkpoint's size): its part up to `last` is what the leaves make.
      const mine = built.get(tileKey({ level: 0, index })) ?? Buffer.alloc(0);
      if (!readFileSync(file).subarray(0, mine.length).equals(mine)) problems.push(`tile 0/${index} is not the leaf hashes of the segment's events`);
    }
    root = builder.root();
  } catch (error) {
    problems.push(`the tree's edge before the segment is unusable: ${error instanceof Error ? error.message : error}`);
  }

  try {
    const checkpoint = openCheckpoint(readFileSync(join(dir, CHECKPOINT), 'utf8'), { log: logKey });
    if (checkpoint.size !== manifest.checkpointSize)
      problems.push(`the checkpoint is of size ${checkpoint.size}, the manifest says ${manifest.checkpointSize}`);
    if (checkpoint.size < last) problems.push(`the checkpoint (size ${checkpoint.size}) does not reach the segment's end ${last}`);
    else if (checkpoint.size === last) {
      if (!Buffer.from(checkpoint.root).equals(Buffer.from(root))) problems.push('the checkpoint signs another root than the segment makes');
    } else {
      const proof = manifest.consistency.map((h) => Buffer.from(h, 'base64'));
      try {
        verifyConsistency(last, checkpoint.size, root, checkpoint.root, proof);
      } catch (error) {
        problems.push(`the segment's tree is not consistent with the signed checkpoint: ${error instanceof Error ? error.message : error}`);
      }
    }
  } catch (error) {
    problems.push(`the checkpoint does not verify: ${error instanceof Error ? error.message : error}`);
  }
  return {
    ok: problems.length === 0,
    segment: manifest.name,
    first,
    last,
    events: events.length,
    checkpointSize: manifest.checkpointSize,
    root: Buffer.from(root).toString('base64'),
    keys: pinned.jwks && pinned.logKey ? 'pinned' : 'segment',
    problems: problems.slice(0, 100),
  };
}
