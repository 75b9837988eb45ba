import { connect, migrate } from '@tag-history/database';
import { loadConfig } from '../../api/src/config';
import { GC_REFERENCED_HELP, gcReferenced } from './gc/gc-referenced';
import { GC_SWEEP_HELP, gcSweep } from './gc/gc-sweep';

/** The operator CLI: `node dist/apps/cli/src/main.js <command>`. */
const commands: Record<string, { help: string; run(args: string[]): Promise<void> }> = {
  migrate: {
    help: 'run the database migrations and exit',
    async run() {
      const { db } = connect(loadConfig().storage);
      try {
        const applied = await migrate(db);
        console.log(applied.length ? `applied: ${applied.join(', ')}` : 'already up to date');
      } finally {
        await db.destroy();
      }
    },
  },
  'gc referenced': { help: `stream the manifests GC must keep (NDJSON) from the service\n                ${GC_REFERENCED_HELP}`, run: gcReferenced },
  'gc sweep': { help: `lease unreferenced candidates, delete them, record what was deleted\n                ${GC_SWEEP_HELP}`, run: gcSweep },
};

async function main([name, ...args]: string[]): Promise<void> {
  // Two-word commands ("gc sweep") first, then one-word ones.
  const two = args.length > 0 ? commands[`${name} ${args[0]}`] : undefined;
  if (two) args = args.slice(1);
  const command = two ?? (name ? commands[name] : undefined);
  if (!command) {
    console.error(`usage: tag-history <command>\n\n${Object.entries(commands).map(([n, c]) => `  ${n.padEnd(15)} ${c.help}`).join('\n')}`);
    process.exitCode = 2;
    return;
  }
  await command.run(args);
}

main(process.argv.slice(2)).catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
