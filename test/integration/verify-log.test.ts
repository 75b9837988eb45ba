import type { PutTag } from '@tag-history/domain';
import { registerSigningKey, verifyLog } from '@tag-history/event-store';
import { generateSigningJwk, loadSigningKey } from '@tag-history/signing';
import { type RawBuilder, sql } from 'kysely';
import { createEventStore } from '../../apps/api/src/infrastructure/open-infrastructure';
import { executeTagCommand } from '../../apps/api/src/tags/execute-tag-command';
import { target } from '../support/fixtures';
import { createTestInfrastructure, type TestInfrastructure } from '../support/test-infrastructure';

let infra: TestInfrastructure;
const now = () => new Date();
const put = (repository: string, tag: string, seed: string): PutTag => ({ type: 'PutTag', data: { repository, tag, target: target(seed) } });

beforeAll(async () => {
  infra = await createTestInfrastructure();
  for (const seed of ['a', 'b', 'c']) await executeTagCommand(infra.eventStore, put('audit/app', 'prod', seed), { actor: 'alice' }, now);
  await executeTagCommand(infra.eventStore, put('audit/other', 'v1', 'x'), { actor: 'bob' }, now);
  // Rotation: a new key from here on; the old one keeps verifying what it signed before.
  const key = await loadSigningKey({ kind: 'jwk', json: JSON.stringify(await generateSigningJwk()) });
  await registerSigningKey(infra.db, key);
  const rotated = createEventStore(infra, key);
  for (const seed of ['d', 'e']) await executeTagCommand(rotated, put('audit/app', 'prod', seed), { actor: 'carol' }, now);
});
afterAll(() => infra.close());

interface Row {
  position: number;
  stream_id: string;
  version: number;
  type: string;
  data: unknown;
  actor: string;
  recorded_at: Date;
  jws: string;
  hash: string;
  prev_hash: string | null;
}
const rowAt = (position: number) => infra.db.selectFrom('events').selectAll().where('position', '=', position).executeTakeFirstOrThrow() as Promise<Row>;

/** Alters the row at `position`, verifies, and puts the row back as it was. */
async function verifyWithAltered(position: number, change: RawBuilder<unknown>) {
  const original = await rowAt(position);
  await sql`update events set ${change} where position = ${position}`.execute(infra.db);
  try {
    return await verifyLog(infra.db);
  } finally {
    await restore(original);
  }
}

async function restore(row: Row) {
  await sql`delete from events where position = ${row.position}`.execute(infra.db);
  await sql`
    insert into events (position, stream_id, version, type, data, actor, recorded_at, jws, hash, prev_hash)
    values (${row.position}, ${row.stream_id}, ${row.version}, ${row.type}, ${JSON.stringify(row.data)}::jsonb, ${row.actor},
            ${row.recorded_at.toISOString()}::timestamptz, ${row.jws}, ${row.hash}, ${row.prev_hash})`.execute(infra.db);
}

describe('verifyLog', () => {
  it('verifies a log signed by a retired and a current key', async () => {
    expect(await verifyLog(infra.db)).toEqual({ ok: true, events: 6, broken: [] });
    const keys = await infra.db.selectFrom('signing_keys').select(['valid_from', 'valid_until']).orderBy('added_at').execute();
    expect(keys).toHaveLength(2);
    expect(keys[0]!.valid_from).toBeNull();
    expect(keys[0]!.valid_until).toEqual(keys[1]!.valid_from);
  });

  it('reports an altered target', async () => {
    const result = await verifyWithAltered(2, sql`data = jsonb_set(data, '{target,digest}', ${JSON.stringify(target('evil').digest)}::jsonb)`);
    expect(result.ok).toBe(false);
    expect(result.broken).toEqual([{ position: 2, stream: 'audit/app:prod', reason: 'data differs from the signed event' }]);
  });

  it('reports an altered actor', async () => {
    const result = await verifyWithAltered(1, sql`actor = 'mallory'`);
    expect(result.broken).toEqual([{ position: 1, stream: 'audit/app:prod', reason: 'actor differs from the signed event' }]);
  });

  it('reports an altered time', async () => {
    const result = await verifyWithAltered(3, sql`recorded_at = recorded_at - interval '1 day'`);
    expect(result.broken).toEqual([{ position: 3, stream: 'audit/app:prod', reason: 'time differs from the signed event' }]);
  });

  it('reports one byte changed in the signature', async () => {
    const original = await rowAt(5);
    const signature = original.jws.slice(original.jws.lastIndexOf('.') + 1);
    const bytes = Buffer.from(signature, 'base64url');
    bytes[10] = bytes[10]! ^ 0xff;
    const jws = `${original.jws.slice(0, original.jws.lastIndexOf('.') + 1)}${bytes.toString('base64url')}`;
    const result = await verifyWithAltered(5, sql`jws = ${jws}`);
    expect(result.broken).toEqual([
      { position: 5, stream: 'audit/app:prod', reason: 'hash is not the digest of the JWS' },
      { position: 5, stream: 'audit/app:prod', reason: 'signature does not verify' },
    ]);
  });

  it('reports a row removed from the middle of a stream', async () => {
    const original = await rowAt(2);
    await sql`delete from events where position = 2`.execute(infra.db);
    try {
      const result = await verifyLog(infra.db);
      expect(result.events).toBe(5);
      expect(result.broken).toEqual([
        { position: 2, stream: null, reason: 'positions 2 to 2 are missing' },
        { position: 3, stream: 'audit/app:prod', reason: 'version 3 follows version 1: events are missing' },
      ]);
      // Restricted to the repository, the chain still shows the gap.
      const only = await verifyLog(infra.db, { repository: 'audit/app' });
      expect(only.broken).toEqual([{ position: 3, stream: 'audit/app:prod', reason: 'version 3 follows version 1: events are missing' }]);
    } finally {
      await restore(original);
    }
  });

  it('reports the last event of a stream removed', async () => {
    const original = await rowAt(6);
    await sql`delete from events where position = 6`.execute(infra.db);
    try {
      const result = await verifyLog(infra.db, { repository: 'audit/app' });
      expect(result.broken).toEqual([{ position: 5, stream: 'audit/app:prod', reason: 'stream is at version 5, its events end at version 4' }]);
    } finally {
      await restore(original);
    }
  });

  it('refuses to register a retired key again', async () => {
    await expect(registerSigningKey(infra.db, infra.key)).rejects.toThrow(/was retired/);
  });

  it('reports an event signed by a key after it was retired', async () => {
    await executeTagCommand(infra.eventStore, put('audit/late', 'v1', 'z'), { actor: 'alice' }, now);
    const result = await verifyLog(infra.db, { repository: 'audit/late' });
    expect(result.ok).toBe(false);
    expect(result.broken[0]!.reason).toMatch(/^key .* was not valid at /);
  });
});
