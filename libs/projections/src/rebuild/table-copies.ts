import type { Database } from '@tag-history/database';
import { sql, type Transaction } from 'kysely';

/**
 * An empty copy of a live table in `schema`: the same columns, defaults and
 * checks, but no keys or indexes yet, so that it is filled without an index
 * entry a row and its indexes are built once from all rows (copyKeys, copyIndexes).
 */
export async function createEmptyCopy(trx: Transaction<Database>, schema: string, table: string): Promise<void> {
  await sql`create table ${sql.id(schema, table)} (like ${sql.id('public', table)} including all excluding indexes)`.execute(trx);
}

/** Gives the copy the live table's primary and unique keys, under the same names. */
export async function copyKeys(trx: Transaction<Database>, schema: string, table: string): Promise<void> {
  const { rows } = await sql<{ name: string; definition: string }>`
    select conname as name, pg_get_constraintdef(oid) as definition from pg_constraint
    where conrelid = ${`public.${table}`}::regclass and contype in ('p', 'u')`.execute(trx);
  for (const { name, definition } of rows) {
    await sql`alter table ${sql.id(schema, table)} add constraint ${sql.id(name)} ${sql.raw(definition)}`.execute(trx);
  }
}

/** Gives the copy the live table's other indexes, with the same names and definitions. */
export async function copyIndexes(trx: Transaction<Database>, schema: string, table: string): Promise<void> {
  const { rows } = await sql<{ definition: string }>`
    select pg_get_indexdef(i.indexrelid) as definition from pg_index i
    where i.indrelid = ${`public.${table}`}::regclass
      and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)`.execute(trx);
  for (const { definition } of rows) {
    await sql.raw(definition.replace(` ON public.${table} `, ` ON ${schema}.${table} `)).execute(trx);
  }
}

/**
 * Gives the copy the live table's storage parameters, which LIKE does not copy (tag_history's fillfactor, migration
 * 0019), once the bulk rows are in: those are packed (closed intervals are never updated again), and only the pages
 * filled from then on keep room for a close.
 */
export async function copyStorageParameters(trx: Transaction<Database>, schema: string, table: string): Promise<void> {
  const { rows } = await sql<{ options: string[] | null }>`select reloptions as options from pg_class where oid = ${`public.${table}`}::regclass`.execute(trx);
  const options = rows[0]?.options;
  if (options) await sql`alter table ${sql.id(schema, table)} set (${sql.raw(options.join(', '))})`.execute(trx);
}
