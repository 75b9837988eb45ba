import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A Postgres cluster of the test's own, in a temporary folder on a free
 * port, for tests that stop and start the server: the shared server on 5432
 * serves other test files (and other people) at the same time and must stay up.
 * Run as the `postgres` OS user when the tests run as root (initdb refuses root).
 */
export interface PrivatePostgres {
  url: string;
  port: number;
  /** Runs one of the cluster's binaries (initdb, pg_ctl, pg_basebackup...) as the user that owns it. */
  run(tool: string, args: string[]): Buffer;
  /** A temporary folder owned by that user, removed with the cluster. */
  dir: string;
  start(): void;
  stop(mode: 'fast' | 'immediate'): void;
  destroy(): void;
}

const BIN_ROOT = '/usr/lib/postgresql';

/** The bin folder of the newest installed Postgres, or undefined when there is none to run. */
export function postgresBinaries(): string | undefined {
  if (!existsSync(BIN_ROOT)) return undefined;
  const versions = readdirSync(BIN_ROOT).filter((v) => existsSync(join(BIN_ROOT, v, 'bin', 'initdb')));
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  return newest && join(BIN_ROOT, newest, 'bin');
}

/**
 * `replicaOf`: a streaming replica of that cluster instead of a new one, made
 * with pg_basebackup -R (the primary's own pg_hba.conf lets replication in
 * from 127.0.0.1: initdb -A trust writes that line).
 */
export async function startPrivatePostgres(options: { replicaOf?: PrivatePostgres; settings?: string[] } = {}): Promise<PrivatePostgres> {
  const bin = postgresBinaries();
  if (!bin) throw new Error(`no Postgres binaries under ${BIN_ROOT}`);
  const root = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'tag-history-pg-'));
  if (root) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
    chownSync(dir, uid, gid);
  }
  const run = (tool: string, args: string[]) =>
    execFileSync(root ? 'runuser' : join(bin, tool), root ? ['-u', 'postgres', '--', join(bin, tool), ...args] : args, { stdio: 'pipe' });
  const data = join(dir, 'data');
  const port = await freePort();
  const primary = options.replicaOf;
  if (primary) run('pg_basebackup', ['-D', data, '-R', '-X', 'stream', '-c', 'fast', '-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres']);
  else run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const settings = ['listen_addresses=127.0.0.1', 'max_connections=50', ...(options.settings ?? [])].map((s) => `-c ${s}`).join(' ');
  const startOptions = `-p ${port} -k ${dir} ${settings}`;
  const cluster: PrivatePostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    run,
    dir,
    start: () => run('pg_ctl', ['-D', data, '-o', startOptions, '-l', join(dir, 'log'), '-w', '-t', '60', 'start']),
    stop: (mode) => run('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', '60', 'stop']),
    destroy: () => {
      try {
        cluster.stop('immediate');
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  cluster.start();
  return cluster;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
