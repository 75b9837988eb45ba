import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { freePort } from './private-postgres';

export const PGBOUNCER = '/usr/sbin/pgbouncer';

export interface PrivatePgBouncer {
  url: string;
  stop(): Promise<void>;
}

/**
 * Debian's PgBouncer in transaction pooling mode in front of `port`, on a
 * free port, with a configuration in a temporary folder (run as `postgres`
 * when the tests run as root: PgBouncer refuses root). A few server
 * connections for many clients: every transaction may land on another one.
 */
export async function startPgBouncer(targetPort: number, poolSize = 4): Promise<PrivatePgBouncer> {
  const root = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'tag-history-pgbouncer-'));
  const port = await freePort();
  const ini = join(dir, 'pgbouncer.ini');
  writeFileSync(join(dir, 'users.txt'), '"postgres" ""\n');
  writeFileSync(
    ini,
    [
      '[databases]',
      `* = host=127.0.0.1 port=${targetPort}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${join(dir, 'users.txt')}`,
      'pool_mode = transaction',
      `default_pool_size = ${poolSize}`,
      'max_client_conn = 500',
      // node-pg sends these as startup parameters; PgBouncer cannot keep them per client in transaction mode.
      'ignore_startup_parameters = extra_float_digits,statement_timeout,idle_in_transaction_session_timeout',
      `logfile = ${join(dir, 'pgbouncer.log')}`,
      '',
    ].join('\n'),
  );
  if (root) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
    for (const f of [dir, ini, join(dir, 'users.txt')]) chownSync(f, uid, gid);
  }
  const child: ChildProcess = root
    ? spawn('runuser', ['-u', 'postgres', '--', PGBOUNCER, ini], { stdio: 'ignore' })
    : spawn(PGBOUNCER, [ini], { stdio: 'ignore' });
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  for (let i = 0; ; i++) {
    const client = new pg.Client(url);
    try {
      await client.connect();
      await client.end();
      break;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (i > 100 || child.exitCode !== null) throw new Error(`PgBouncer did not start: ${(error as Error).message}`, { cause: error });
      await sleep(100);
    }
  }
  return {
    url,
    stop: async () => {
      // runuser passes SIGTERM on to PgBouncer; its exit ends runuser.
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const pgBouncerInstalled = (): boolean => existsSync(PGBOUNCER);
