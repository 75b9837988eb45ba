import { connect, migrate } from '@tag-history/database';
import { loadConfig } from '../../api/src/config';
import { rotateKeyCommand } from './rotate-key.command';
import { verifyExportCommand } from './verify-export.command';
import { verifyLogCommand } from './verify-log.command';

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
  'verify-log': { help: 'verify signatures and hash chains of the log [--repository <name>]', run: verifyLogCommand },
  'rotate-key': { help: 'replace the signing key; the JWKS keeps the retired public key', run: rotateKeyCommand },
  'verify-export': { help: 'verify an NDJSON audit export offline: <jwks.json> <events.ndjson>', run: verifyExportCommand },
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
