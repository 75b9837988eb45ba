import { connect, migrate } from '@tag-history/database';
import { loadConfig } from '../../api/src/config';

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
};

async function main([name, ...args]: string[]): Promise<void> {
  const command = name ? commands[name] : undefined;
  if (!command) {
    console.error(`usage: tag-history <command>\n\n${Object.entries(commands).map(([n, c]) => `  ${n.padEnd(12)} ${c.help}`).join('\n')}`);
    process.exitCode = 2;
    return;
  }
  await command.run(args);
}

main(process.argv.slice(2)).catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
