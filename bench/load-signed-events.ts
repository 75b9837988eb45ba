import { createHash } from 'node:crypto';
import { type EventPayload, signEvent, type SigningKey } from '@tag-history/signing';
import type pg from 'pg';
import { notifyAppended } from './bulk-load-log';

const ROWS_PER_STATEMENT = 5_000;

export interface SignedLoad {
  /** A repository nothing has written to yet. */
  repository: string;
  /** Tags t0..t<tags-1>, created then moved round-robin. */
  tags: number;
  events: number;
}

/**
 * Appends a repository's history of events signed for real with `key` (the
 * service's own, so that every one verifies), chained per tag, at the log
 * head in one transaction; the projections are made by the projection
 * function itself. For the verification workload, whose events must be
 * genuine: signing costs ~30 µs an event here, nothing like a write through HTTP.
 */
export async function loadSignedEvents(pool: pg.Pool, key: SigningKey, { repository, tags, events: count }: SignedLoad): Promise<number> {
  const digest = (i: number) => `sha256:${createHash('sha256').update(`${repository}/${i}`).digest('hex')}`;
  const target = (i: number) => ({ mediaType: 'application/vnd.oci.image.manifest.v1+json', size: 1234, digest: digest(i) });
  const client = await pool.connect();
  try {
    await client.query('begin');
    const { rows } = await client.query<{ position: string }>('select position from log_head where id = 1 for update');
    const head = Number(rows[0]!.position);
    const heads = new Map<string, { version: number; hash: string; target: ReturnType<typeof target> }>();
    const time = Date.now() - count;
    for (let from = 0; from < count; from += ROWS_PER_STATEMENT) {
      const batch = [];
      for (let i = from; i < Math.min(count, from + ROWS_PER_STATEMENT); i++) {
        const tag = `t${i % tags}`;
        const stream = `${repository}:${tag}`;
        const before = heads.get(stream);
        const payload: EventPayload = {
          stream,
          version: (before?.version ?? 0) + 1,
          type: before ? 'TagMoved' : 'TagCreated',
          data: { repository, tag, ...(before ? { from: before.target } : {}), target: target(i) },
          actor: 'bench',
          time: new Date(time + i).toISOString(),
          prev: before?.hash ?? null,
        };
        const signed = await signEvent(key, payload);
        heads.set(stream, { version: payload.version, hash: signed.hash, target: target(i) });
        batch.push({ position: head + i + 1, payload, jws: signed.jws, hash: signed.hash });
      }
      await client.query(
        `insert into events (position, stream_id, version, type, data, actor, recorded_at, jws, hash, prev_hash)
         select * from unnest($1::bigint[], $2::text[], $3::int[], $4::text[], $5::jsonb[], $6::text[], $7::timestamptz[], $8::text[], $9::text[], $10::text[])`,
        [
          batch.map((e) => e.position),
          batch.map((e) => e.payload.stream),
          batch.map((e) => e.payload.version),
          batch.map((e) => e.payload.type),
          batch.map((e) => JSON.stringify(e.payload.data)),
          batch.map((e) => e.payload.actor),
          batch.map((e) => e.payload.time),
          batch.map((e) => e.jws),
          batch.map((e) => e.hash),
          batch.map((e) => e.payload.prev),
        ],
      );
    }
    const streams = [...heads];
    await client.query(
      `insert into streams (stream_id, version, last_hash, snapshot)
       select * from unnest($1::text[], $2::int[], $3::text[], $4::jsonb[])`,
      [
        streams.map(([s]) => s),
        streams.map(([, h]) => h.version),
        streams.map(([, h]) => h.hash),
        streams.map(([, h]) => JSON.stringify({ version: h.version, target: h.target })),
      ],
    );
    await client.query('select tag_history_project($1::bigint, $2::bigint)', [head, head + count]);
    await client.query('update log_head set position = $1 where id = 1', [head + count]);
    await notifyAppended(client, head + count);
    await client.query('commit');
    return head + 1;
  } catch (error) {
    await client.query('rollback');
    throw error;
  } finally {
    client.release();
  }
}
