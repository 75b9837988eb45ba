import type { Database } from '@tag-history/database';
import { evolve, initialTagState, type TagEvent, type TagState } from '@tag-history/domain';
import { eventHash } from '@tag-history/signing';
import type { Kysely } from 'kysely';

export interface LogReport {
  events: number;
  streams: number;
  /** Every way the log, the write model and the projection disagree; empty when consistent. */
  problems: string[];
}

/**
 * Reads the whole log and checks what must hold after any run: positions
 * 1..n with the head at n, versions 1..k per stream in log order, each event's
 * hash and chain link, the `streams` rows at each stream's last event, and the
 * `tags` projection equal to a fold of the log with the domain's `evolve`.
 */
export async function checkLog(db: Kysely<Database>): Promise<LogReport> {
  const problems: string[] = [];
  const events = await db.selectFrom('events').selectAll().orderBy('position').execute();
  const head = await db.selectFrom('log_head').select('position').executeTakeFirstOrThrow();
  events.forEach((e, i) => {
    if (Number(e.position) !== i + 1) problems.push(`position ${e.position} where ${i + 1} was expected`);
    if (e.hash !== eventHash(e.jws)) problems.push(`event ${e.position}: hash does not match its JWS`);
  });
  if (Number(head.position) !== events.length) problems.push(`log head at ${head.position}, but the log holds ${events.length} events`);

  const folded = new Map<string, { state: TagState; hash: string; position: number }>();
  for (const e of events) {
    const before = folded.get(e.stream_id);
    const version = (before?.state.version ?? 0) + 1;
    if (e.version !== version) problems.push(`${e.stream_id}: version ${e.version} where ${version} was expected (a gap or a duplicate)`);
    if (e.prev_hash !== (before?.hash ?? null)) problems.push(`${e.stream_id} v${e.version}: broken hash chain`);
    const state = evolve(before?.state ?? initialTagState, { type: e.type, data: e.data } as TagEvent);
    folded.set(e.stream_id, { state, hash: e.hash, position: Number(e.position) });
  }

  const streams = await db.selectFrom('streams').selectAll().execute();
  for (const s of streams) {
    const f = folded.get(s.stream_id);
    if (!f && s.version !== 0) problems.push(`stream ${s.stream_id} at version ${s.version} has no events`);
    if (f && (s.version !== f.state.version || s.last_hash !== f.hash)) problems.push(`stream ${s.stream_id} at v${s.version}, its log at v${f.state.version}`);
  }
  if (streams.filter((s) => s.version > 0).length !== folded.size) problems.push(`${folded.size} streams in the log, ${streams.length} rows in streams`);

  const tags = await db.selectFrom('tags').selectAll().execute();
  const live = new Map(tags.map((t) => [`${t.repository}:${t.tag}`, t]));
  for (const [streamId, { state, position }] of folded) {
    const row = live.get(streamId);
    live.delete(streamId);
    if (state.target === null) {
      if (row) problems.push(`tags has ${streamId}, deleted in the log`);
      continue;
    }
    const expected = { media_type: state.target.mediaType, size: state.target.size, digest: state.target.digest, version: state.version, position };
    const actual = row && { media_type: row.media_type, size: Number(row.size), digest: row.digest, version: row.version, position: Number(row.position) };
    if (JSON.stringify(actual) !== JSON.stringify(expected))
      problems.push(`tags row ${streamId} is ${JSON.stringify(actual)}, the log folds to ${JSON.stringify(expected)}`);
  }
  for (const streamId of live.keys()) problems.push(`tags has ${streamId}, which has no events`);
  return { events: events.length, streams: folded.size, problems: problems.slice(0, 50) };
}
