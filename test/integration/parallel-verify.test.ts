import { verifyLog } from '@tag-history/event-store';
import { type EventPayload, KeyRing, LogVerifier, ParallelLogVerifier, type RecordedEvent, signEvent } from '@tag-history/signing';
import { sql } from 'kysely';
import { target } from '../support/fixtures';
import { createTestInfrastructure, type TestInfrastructure } from '../support/test-infrastructure';

// Several chunks of the parallel verifier (256 events) and several FETCH pages, over streams that interleave.
const EVENTS = 1_300;
const STREAMS = 7;
let infra: TestInfrastructure;

beforeAll(async () => {
  infra = await createTestInfrastructure();
  const hashes = new Map<string, string>();
  const rows: Record<string, unknown>[] = [];
  for (let i = 0; i < EVENTS; i++) {
    const tag = `t${i % STREAMS}`;
    const stream = `verify/app:${tag}`;
    const version = Math.floor(i / STREAMS) + 1;
    const payload: EventPayload = {
      stream,
      version,
      type: version === 1 ? 'TagCreated' : 'TagMoved',
      data: { repository: 'verify/app', tag, target: target(`s${i}`) },
      actor: i % 2 ? 'alice' : 'bob',
      time: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
      prev: hashes.get(stream) ?? null,
    };
    const signed = await signEvent(infra.key, payload);
    hashes.set(stream, signed.hash);
    rows.push({
      position: i + 1,
      stream_id: stream,
      version,
      type: payload.type,
      data: JSON.stringify(payload.data),
      actor: payload.actor,
      recorded_at: payload.time,
      jws: signed.jws,
      hash: signed.hash,
      prev_hash: payload.prev,
    });
  }
  for (let i = 0; i < rows.length; i += 500)
    await infra.db
      .insertInto('events')
      .values(rows.slice(i, i + 500) as never[])
      .execute();
  await infra.db
    .insertInto('streams')
    .values(
      [...hashes].map(([stream_id, last_hash]) => ({
        stream_id,
        last_hash,
        version: Math.max(...rows.filter((r) => r.stream_id === stream_id).map((r) => r.version as number)),
        snapshot: '{}',
      })) as never,
    )
    .execute();
  await sql`update log_head set position = ${EVENTS}`.execute(infra.db);
  await tamper();
}, 300_000);
afterAll(() => infra.close());

/** Every kind of damage the verifier knows, spread over the chunks; a copy of the rows is kept by the database only. */
async function tamper(): Promise<void> {
  const at = (position: number, change: ReturnType<typeof sql>) => sql`update events set ${change} where position = ${position}`.execute(infra.db);
  const jwsOf = async (position: number) => (await infra.db.selectFrom('events').select('jws').where('position', '=', position).executeTakeFirstOrThrow()).jws;
  await at(3, sql`data = jsonb_set(data, '{target,digest}', ${JSON.stringify(target('evil').digest)}::jsonb)`);
  await at(255, sql`actor = 'mallory'`);
  await at(256, sql`recorded_at = recorded_at - interval '1 day'`);
  await at(257, sql`type = 'TagDeleted'`);
  await at(300, sql`prev_hash = 'sha256:0000'`);
  await at(800, sql`version = version + 1000`);
  await at(301, sql`hash = 'sha256:1111'`);
  const signed = await jwsOf(400);
  const flipped = Buffer.from(signed.slice(signed.lastIndexOf('.') + 1), 'base64url');
  flipped[3] = flipped[3]! ^ 1;
  await at(400, sql`jws = ${`${signed.slice(0, signed.lastIndexOf('.') + 1)}${flipped.toString('base64url')}`}`);
  // Another event's genuine JWS: the signature verifies, the columns are not what it signs.
  await at(513, sql`jws = ${await jwsOf(514)}`);
  await at(600, sql`jws = ${`eyJhbGciOiJFZERTQSIsImtpZCI6Im5vYm9keSJ9.${signed.split('.')[1]}.${signed.split('.')[2]}`}`);
  await at(601, sql`jws = 'not a jws'`);
  await sql`delete from events where position in (700, 701)`.execute(infra.db);
  await sql`delete from events where position = ${EVENTS}`.execute(infra.db);
}

async function sequentialVerification(repository?: string) {
  const rows = await infra.db
    .selectFrom('events')
    .selectAll()
    .$if(repository !== undefined, (q) => q.where(sql`data->>'repository'`, '=', repository))
    .orderBy('position')
    .execute();
  const keys = await infra.db.selectFrom('signing_keys').select(['kid', 'public_jwk', 'valid_from', 'valid_until']).execute();
  const verifier = new LogVerifier(
    new KeyRing(keys.map((k) => ({ kid: k.kid, jwk: k.public_jwk as never, validFrom: k.valid_from, validUntil: k.valid_until }))),
    repository === undefined,
  );
  await verifier.add(
    rows.map((r): RecordedEvent => ({
      position: r.position,
      streamId: r.stream_id,
      version: r.version,
      type: r.type,
      data: r.data,
      actor: r.actor,
      recordedAt: r.recorded_at,
      jws: r.jws,
      hash: r.hash,
      prevHash: r.prev_hash,
    })),
  );
  const streams = await infra.db.selectFrom('streams').select(['stream_id', 'version', 'last_hash']).where('version', '>', 0).execute();
  streams.sort((a, b) => (a.stream_id < b.stream_id ? -1 : 1));
  return verifier.finish({ streams: streams.map((s) => ({ stream: s.stream_id, version: s.version, hash: s.last_hash })), lastPosition: EVENTS });
}

describe('parallel verification', () => {
  it('reports every tamper, exactly as the sequential verifier does, whatever the number of threads', async () => {
    const sequential = await sequentialVerification();
    expect(sequential.events).toBe(EVENTS - 3);
    const reasons = new Set(sequential.broken.map((b) => b.reason.replace(/\d+/g, 'N').replace(/key \S+ /, 'key K ')));
    expect([...reasons].sort()).toEqual(
      [
        'JWS is malformed',
        'actor differs from the signed event',
        'data differs from the signed event',
        'hash is not the digest of the JWS',
        "prev is not the previous event's hash",
        'positions N to N are missing',
        'signature does not verify',
        'signed by unknown key nobody',
        'stream differs from the signed event',
        'stream is at version N, its events end at version N',
        'time differs from the signed event',
        'type differs from the signed event',
        'version N follows version N: events are missing',
        'version differs from the signed event',
        'prev differs from the signed event',
      ].sort(),
    );
    for (const threads of [1, 2, 3]) expect(await verifyLog(infra.db, { threads })).toEqual(sequential);
  });

  it('restricted to a repository, gives the sequential result too', async () => {
    expect(await verifyLog(infra.db, { repository: 'verify/app', threads: 2 })).toEqual(await sequentialVerification('verify/app'));
  });

  it('hands out each event’s leaf hash in position order', async () => {
    const positions: number[] = [];
    await verifyLog(infra.db, { onLeaf: (position, hash) => positions.push(position) && expect(hash).toHaveLength(32) });
    expect(positions).toEqual(positions.slice().sort((a, b) => a - b));
    expect(positions).toHaveLength(EVENTS - 3);
  });

  it('ends its threads when the feeder gives up', async () => {
    const verifier = new ParallelLogVerifier({ keys: [], wholeLog: true, threads: 2 });
    await verifier.add([[1, 's', 1, 'TagCreated', {}, 'a', 0, 'x.y.z', 'h', null]]);
    await verifier.close();
    await expect(verifier.add(Array.from({ length: 300 }, () => [1, 's', 1, 'TagCreated', {}, 'a', 0, 'x.y.z', 'h', null]))).rejects.toThrow();
  });
});
