import { type Config, ConfigError, loadConfig } from '@tag-history/config';
import { connect, type Database, migrate } from '@tag-history/database';
import { checkProjections, rebuildProjections } from '@tag-history/projections';
import { Command, type Option } from 'commander';
import type { Kysely } from 'kysely';
import { readFileSync } from 'node:fs';
import { archivePartition, checkpointVerifier } from './archive/archive-partition';
import { verifySegment } from './archive/verify-segment';
import { auditCommand } from './audit.command';
import { gcReferenced } from './gc/gc-referenced';
import { gcSweep } from './gc/gc-sweep';
import { withProgress } from './progress-bar';
import { reconcileCommand } from './reconcile.command';
import { rotateKeyCommand } from './rotate-key.command';
import { seedDemoCommand } from './seed-demo.command';
import { verifyExportCommand } from './verify-export.command';
import { verifyLogCommand } from './verify-log.command';

type Json = { json?: boolean };
const JSON_OPTION = ['--json', 'print the result as one JSON object on stdout (for scripts; no progress bar)'] as const;
const URL_OPTION = ['--url <base>', 'the service (default: TAG_HISTORY_URL, else http://127.0.0.1:8080)'] as const;

/**
 * The operator CLI, `tag-history <command>` (package.json's bin; or
 * `node dist/apps/cli/src/main.js`). Commands that use the database read the
 * service's configuration (libs/config) and stop on a bad setting.
 */
export function cli(): Command {
  const program = new Command('tag-history')
    .description("Operator commands of tag-history: the database, the log's integrity, keys, GC and the watched registry")
    .showHelpAfterError()
    .configureHelp({ visibleCommands: leafCommands, subcommandTerm: commandTerm, subcommandDescription: commandDescription });

  program
    .command('migrate')
    .description('run the database migrations and exit')
    .option(...JSON_OPTION)
    .action((o: Json) =>
      withDatabase(async (db) => {
        const applied = await migrate(db);
        print(o, { applied }, applied.length ? `applied: ${applied.join(', ')}` : 'already up to date');
      }),
    );

  program
    .command('rebuild-projections')
    .description('rebuild every projection from the event log and swap it in (one at a time; writers wait for the swap)')
    .option(...JSON_OPTION)
    .action((o: Json) =>
      withDatabase(async (db) => {
        const started = process.hrtime.bigint();
        const result = await withProgress('replaying', (bar) => rebuildProjections(db, { onProgress: (done, head) => bar.update(done, head) }), o.json);
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const perSecond = Math.round(result.events / seconds);
        const rows = Object.entries(result.rows)
          .map(([t, n]) => `${t} ${n}`)
          .join(', ');
        print(
          o,
          { ...result, seconds, eventsPerSecond: perSecond },
          `rebuilt from ${result.events} events (to position ${result.position}) in ${seconds.toFixed(2)} s, ${perSecond} events/s: ${rows}`,
        );
      }),
    );

  program
    .command('check-projections')
    .description('rebuild the projections aside and compare them with the live ones row for row; exit 1 when they differ')
    .option(...JSON_OPTION)
    .action((o: Json) =>
      withDatabase(async (db) => {
        const result = await withProgress('replaying', (bar) => checkProjections(db, { onProgress: (done, head) => bar.update(done, head) }), o.json);
        if (result.differences.length > 0) process.exitCode = 1;
        if (o.json) return print(o, { ok: result.differences.length === 0, ...result }, '');
        if (result.differences.length === 0) return console.log(`projections match a rebuild from ${result.events} events (to position ${result.position})`);
        for (const d of result.differences) {
          console.log(`${d.table}: ${d.onlyLive} rows only in the live table, ${d.onlyRebuilt} only in the rebuild`);
          for (const e of d.examples) console.log(`  ${e.side}: ${JSON.stringify(e.row)}`);
        }
      }),
    );

  program
    .command('verify-log')
    .description("verify every event's signature and each stream's hash chain from the database; JSON on stdout; exit 1 when broken")
    .option('--repository <name>', 'only the streams of this repository')
    .action((o: { repository?: string }) => verifyLogCommand(config(), o));

  program
    .command('archive-partition')
    .description('export the oldest partition of the log as a signed segment into <dir>/<partition>, verify it, record it and detach and drop the partition')
    .requiredOption('--to <dir>', 'where the segment folder is written (store it twice before running this on a production log)')
    .option(...JSON_OPTION)
    .action((o: Json & { to: string }) => {
      const settings = config();
      return withDatabase(async (db) => {
        const archived = await archivePartition(db, checkpointVerifier(settings.transparency.checkpointKey), o.to);
        print(
          o,
          archived,
          `archived ${archived.segment} (positions ${archived.first} to ${archived.last}) into ${archived.dir}, proved into the checkpoint of size ${archived.checkpointSize}`,
        );
      });
    });

  program
    .command('verify-segment')
    .description('verify an archived segment offline: signatures, chains, tiles and its proof into the signed checkpoint; JSON on stdout; exit 1 when broken')
    .argument('<dir>', 'the segment folder')
    .option('--jwks <file>', "pin the event-signing keys (GET /.well-known/jwks.json) instead of trusting the segment's jwks.json")
    .option('--log-key <key or file>', "pin the checkpoint's verifier key (GET /v2/_log/key's first line) instead of the segment's log.key")
    .action(async (dir: string, o: { jwks?: string; logKey?: string }) => {
      const logKey = o.logKey && !o.logKey.includes('+') ? readFileSync(o.logKey, 'utf8').split('\n')[0] : o.logKey;
      const result = await verifySegment(dir, { jwks: o.jwks ? JSON.parse(readFileSync(o.jwks, 'utf8')) : undefined, logKey });
      console.log(JSON.stringify(result, null, 2));
      if (!result.ok) process.exitCode = 1;
    });

  program
    .command('rotate-key')
    .description('replace the signing key; the JWKS keeps the retired public key (stop the service first)')
    .option(...JSON_OPTION)
    .action((o: Json) => rotateKeyCommand(config(), o));

  program
    .command('seed-demo')
    .description('fill an empty store with weeks of demo history (three repositories) for the audit page at /ui/')
    .option(...JSON_OPTION)
    .action((o: Json) => seedDemoCommand(config(), o));

  program
    .command('verify-export')
    .description('verify an NDJSON export of GET /v2/_audit offline against a saved JWKS; JSON on stdout; exit 1 when broken')
    .argument('<jwks>', 'the JWKS file (GET /.well-known/jwks.json)')
    .argument('<events>', 'the NDJSON export')
    .action((jwks: string, events: string) => verifyExportCommand(jwks, events));

  program
    .command('audit')
    .description('check the transparency log as an outside auditor: exit 0 ok, 2 bad signature or proof, 3 fork or rollback, 4 stale')
    .requiredOption('--server <url>', 'the service')
    .requiredOption('--key <key or file...>', "the log's verifier key(s), or a file of GET /v2/_log/key's lines")
    .requiredOption('--state <dir>', 'where the last verified checkpoint is kept between runs')
    .option('--max-age <duration>', 'ISO 8601: the timestamp cosignature must be younger (exit 4 otherwise)')
    .option('--repository <name>', 'also check every event of this repository: inclusion, JWS and chain')
    .option(...JSON_OPTION)
    .action(async (o: Parameters<typeof auditCommand>[0]) => {
      process.exitCode = await auditCommand(o);
    });

  const gc = program.command('gc').description('garbage-collection helpers for a registry');
  gc.command('referenced')
    .description('stream the manifests GC must keep (NDJSON) from the service')
    .option('--retention <duration>', "ISO 8601 recovery window (default: the service's GC_RETENTION)")
    .option('--repository <name>', 'one repository')
    .option('--reasons', 'say why each manifest is referenced')
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .option(...URL_OPTION)
    .action((o: Parameters<typeof gcReferenced>[0]) => gcReferenced(o));
  gc.command('sweep')
    .description('lease unreferenced candidates, delete them, record what was deleted')
    .option('--cursor <cursor>', 'the cursor of the referenced set the candidates come from')
    .option('--candidates <file|->', 'NDJSON candidates', '-')
    .option('--retention <duration>', 'ISO 8601 recovery window')
    .option('--delete-with <command>', 'a shell command that reads the unreferenced lines and prints those it deleted')
    .option('--close <id>', 'close a sweep started earlier')
    .option('--deleted <file>', 'with --close: the NDJSON lines deleted')
    .option('--registry', 'sweep the watched registry (REGISTRY_URL...): delete there')
    .option(...URL_OPTION)
    .option(...JSON_OPTION)
    .action((o: Parameters<typeof gcSweep>[0]) => gcSweep(o, config));

  program
    .command('reconcile')
    .description('reconcile the service with its registry now (POST /v2/_reconcile); prints the counts as JSON')
    .option('--repository <name>', 'one repository')
    .option(...URL_OPTION)
    .action((o: Parameters<typeof reconcileCommand>[0]) => reconcileCommand(o));

  return program;
}

/** The service's configuration, checked: a bad setting stops the command with one line. */
function config(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`configuration: ${error.message}`);
    process.exit(1);
  }
}

function print(options: Json, json: unknown, text: string): void {
  console.log(options.json ? JSON.stringify(json) : text);
}

async function withDatabase(work: (db: Kysely<Database>) => Promise<void>): Promise<void> {
  const storage = config().storage;
  // An operator's job: statements may take as long as they need.
  const { db } = connect(storage.kind === 'postgres' ? { ...storage, longStatements: true } : storage);
  try {
    await work(db);
  } finally {
    await db.destroy();
  }
}

/** `--help` lists every command down to `gc referenced` and `gc sweep`, each with its options. */
function leafCommands(command: Command): Command[] {
  return command.commands.flatMap((c) => (c.commands.length > 0 ? leafCommands(c) : [c]));
}

function commandTerm(command: Command): string {
  const path: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) path.unshift(c.name());
  return [...path, ...command.registeredArguments.map((a) => (a.required ? `<${a.name()}>` : `[${a.name()}]`))].join(' ');
}

function commandDescription(command: Command): string {
  const options = command.options.map((o: Option) => (o.mandatory ? o.flags : `[${o.flags}]`)).join(' ');
  return options ? `${command.description()}\n${options}` : command.description();
}

if (require.main === module) {
  cli()
    .parseAsync()
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    });
}
