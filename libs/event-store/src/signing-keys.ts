import type { Database } from '@tag-history/database';
import { KeyRing, type PublicKeyRecord, type SigningKey } from '@tag-history/signing';
import { type Kysely, sql } from 'kysely';

/**
 * Makes `key` the one current signing key: a key seen for the first time
 * starts now and ends every other key's range (a rotation); the very first
 * key's range is open at the start. Refuses a key that was retired, since
 * events it signed from now on would not verify.
 */
export async function registerSigningKey(db: Kysely<Database>, key: SigningKey): Promise<void> {
  await db.transaction().execute(async (trx) => {
    // Serialises registrations by concurrent instances.
    await sql`lock table signing_keys in share row exclusive mode`.execute(trx);
    const row = await trx.selectFrom('signing_keys').select(['valid_until']).where('kid', '=', key.kid).executeTakeFirst();
    if (row) {
      if (row.valid_until) throw new Error(`signing key ${key.kid} was retired at ${row.valid_until.toISOString()}; start with the current key`);
      return;
    }
    const { count } = await trx
      .selectFrom('signing_keys')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .executeTakeFirstOrThrow();
    await sql`update signing_keys set valid_until = now() where valid_until is null`.execute(trx);
    await sql`
      insert into signing_keys (kid, public_jwk, valid_from)
      values (${key.kid}, ${JSON.stringify(key.publicJwk)}::jsonb, ${Number(count) === 0 ? null : sql`now()`})`.execute(trx);
  });
}

export async function readSigningKeys(db: Kysely<Database>): Promise<PublicKeyRecord[]> {
  const rows = await db.selectFrom('signing_keys').select(['kid', 'public_jwk', 'valid_from', 'valid_until']).orderBy('added_at').execute();
  return rows.map((r) => ({ kid: r.kid, jwk: r.public_jwk as unknown as PublicKeyRecord['jwk'], validFrom: r.valid_from, validUntil: r.valid_until }));
}

export async function readKeyRing(db: Kysely<Database>): Promise<KeyRing> {
  return new KeyRing(await readSigningKeys(db));
}
