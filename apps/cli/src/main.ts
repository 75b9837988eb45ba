import { connect, type Database, migrate } from '@tag-history/database';
import { checkProjections, rebuildProjections } from '@tag-history/projections';
import type { Kysely } from 'kysely';
import { loadConfig } from '@tag-history/config';
import { AUDIT_HELP, auditCommand } from './audit.command';
import { GC_REFERENCED_HELP, gcReferenced } from './gc/gc-referenced';
import { GC_SWEEP_HELP, gcSweep } from './gc/gc-sweep';
import { RECONCILE_HELP, reconcileCommand } from './reconcile.command';
import { rotateKeyCommand } from './rotate-key.command';
import { seedDemoCommand } from './seed-demo.command';
import { verifyExportCommand } from './verify-export.command';
import { verifyLogCommand } from './verify-log.command';

/** The operator CLI: `node dist/apps/cli/src/main.js <command>`. */
const commands: Record<string, { help: string; run(args: string[]): Promise<void> }> = {
  migrate: {
    help: 'run the database migrations and exit',
    run: () =>
      withDatabase(async (db) => {
        const applied = await migrate(db);
        console.log(applied.length ? `applied: ${applied.join(', ')}` : 'already up to date');
      }),
  },
  'rebuild-projections': {
    help: 'rebuild every projection from the event log and swap it in (one at a time; writers wait for the swap)',
    run: () =>
      withDatabase(async (db) => {
        const started = process.hrtime.bigint();
        const result = await rebuildProjections(db);
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const rows = Object.entries(result.rows).map(([t, n]) => `${t} ${n}`).join(', ');
        console.log(`rebuilt from ${result.events} events (to position ${result.position}) in ${seconds.toFixed(2)} s, ${Math.round(result.events / seconds)} events/s: ${rows}`);
      }),
  },
  'check-projections': {
    help: 'rebuild the projections aside and compare them with the live ones row for row; exit 1 when they differ',
    run: () =>
      withDatabase(async (db) => {
        const result = await checkProjections(db);
        if (result.differences.length === 0) {
          console.log(`projections match a rebuild from ${result.events} events (to position ${result.position})`);
          return;
        }
        for (const d of result.differences) {
          console.log(`${d.table}: ${d.onlyLive} rows only in the live table, ${d.onlyRebuilt} only in the rebuild`);
          for (const e of d.examples) console.log(`  ${e.side}: ${JSON.stringify(e.row)}`);
        }
        process.exitCode = 1;
      }),
  },
  'gc referenced': { help: `stream the manifests GC must keep (NDJSON) from the service\n                ${GC_REFERENCED_HELP}`, run: gcReferenced },
  'gc sweep': { help: `lease unreferenced candidates, delete them, record what was deleted\n                ${GC_SWEEP_HELP}`, run: gcSweep },
  reconcile: { help: `reconcile the service with its registry now and print the counts\n                ${RECONCILE_HELP}`, run: reconcileCommand },
  'verify-log': { help: 'verify signatures and hash chains of the log [--repository <name>]', run: verifyLogCommand },
  'rotate-key': { help: 'replace the signing key; the JWKS keeps the retired public key', run: rotateKeyCommand },
  'seed-demo': { help: 'fill an empty store with weeks of demo history (three repositories) for the audit page at /ui/', run: seedDemoCommand },
  audit: {
    help: `check the transparency log as an outside auditor\n                ${AUDIT_HELP}`,
    run: async (args) => {
      process.exitCode = await auditCommand(args);
    },
  },
  'verify-export': { help: 'verify an NDJSON audit export offline: <jwks.json> <events.ndjson>', run: verifyExportCommand },
};

async function withDatabase(work: (db: Kysely<Database>) => Promise<void>): Promise<void> {
  const { db } = connect(loadConfig().storage);
  try {
    await work(db);
  } finally {
    await db.destroy();
  }
}

async function main([name, ...args]: string[]): Promise<void> {
  // Two-word commands ("gc sweep") first, then one-word ones.
  const two = args.length > 0 ? commands[`${name} ${args[0]}`] : undefined;
  if (two) args = args.slice(1);
  const command = two ?? (name ? commands[name] : undefined);
  if (!command) {
    console.error(`usage: tag-history <command>\n\n${Object.entries(commands).map(([n, c]) => `  ${n.padEnd(20)} ${c.help}`).join('\n')}`);
    process.exitCode = 2;
    return;
  }
  await command.run(args);
}

main(process.argv.slice(2)).catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
