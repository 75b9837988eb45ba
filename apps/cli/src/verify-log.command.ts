import { connect, isMigrated } from '@tag-history/database';
import { assertRepositoryName } from '@tag-history/domain';
import { verifyLog } from '@tag-history/event-store';
import { loadConfig } from '@tag-history/config';
import { progressBar } from './progress-bar';

/** `verify-log [--repository <name>]`: the log's verification straight from the database; exit code 1 when broken. */
export async function verifyLogCommand(args: string[]): Promise<void> {
  const repository = option(args, '--repository');
  if (repository !== undefined) assertRepositoryName(repository);
  const { db } = connect(loadConfig().storage);
  try {
    if (!(await isMigrated(db))) throw new Error('the database is not migrated: run the migrate command first');
    const bar = progressBar('verifying');
    const started = process.hrtime.bigint();
    const result = await verifyLog(db, { repository, onProgress: bar.update });
    bar.end();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    console.log(JSON.stringify(result, null, 2));
    console.error(`${result.events} events in ${seconds.toFixed(2)} s (${Math.round(result.events / Math.max(seconds, 1e-9))} events/s): ${result.ok ? 'ok' : `${result.broken.length} problems`}`);
    if (!result.ok) process.exitCode = 1;
  } finally {
    await db.destroy();
  }
}

export function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i === -1) return undefined;
  const value = args[i + 1];
  if (value === undefined || value.startsWith('--')) throw new Error(`${name} needs a value`);
  return value;
}
