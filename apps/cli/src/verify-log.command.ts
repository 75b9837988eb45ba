import { type Config } from '@tag-history/config';
import { connect, isMigrated } from '@tag-history/database';
import { assertRepositoryName } from '@tag-history/domain';
import { verifyLog } from '@tag-history/event-store';
import { withProgress } from './progress-bar';

/** `verify-log [--repository <name>]`: the log's verification straight from the database, as JSON; exit code 1 when broken. */
export async function verifyLogCommand(config: Config, options: { repository?: string }): Promise<void> {
  const { repository } = options;
  if (repository !== undefined) assertRepositoryName(repository);
  const { db } = connect(config.storage);
  try {
    if (!(await isMigrated(db))) throw new Error('the database is not migrated: run the migrate command first');
    const started = process.hrtime.bigint();
    const result = await withProgress('verifying', (bar) => verifyLog(db, { repository, onProgress: (done, total) => bar.update(done, total) }));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    console.log(JSON.stringify(result, null, 2));
    console.error(
      `${result.events} events in ${seconds.toFixed(2)} s (${Math.round(result.events / Math.max(seconds, 1e-9))} events/s): ${result.ok ? 'ok' : `${result.broken.length} problems`}`,
    );
    if (!result.ok) process.exitCode = 1;
  } finally {
    await db.destroy();
  }
}
