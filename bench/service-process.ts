import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface ServiceProcess {
  url: string;
  pid: number;
  /** Where its signing key is: another process started on it signs with the same key. */
  dataDir: string;
  /** SIGKILL: no shutdown, no flush; what a crash looks like to the database. */
  kill(): Promise<void>;
  /** CPU time (user + system) the service process has used so far, in microseconds (Linux). */
  cpuMicros(): number;
  /** Resident set size of the service process now, in bytes (Linux). */
  rssBytes(): number;
  stop(): Promise<void>;
  /** SIGTERM, as an orchestrator stops it: resolves when it has exited, with how and how long it took. */
  terminate(): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
  /** What it wrote to stdout and stderr (the last 10,000 characters). */
  output(): string;
}

// Built by `npm run build`; from sources (the reliability tests) the path goes through dist/.
const MAIN = resolve(__dirname, '..', __filename.endsWith('.ts') ? 'dist' : '', 'apps/api/src/main.js');

export interface ServiceOptions {
  cpuProfDir?: string;
  /** Fixed across restarts, so that clients find the restarted service; a free one when absent. */
  port?: number;
  /** Where the signing key is generated; fixed across restarts to keep the key. */
  dataDir?: string;
  /** How long it may take to answer /readyz (PGlite migrates in-process: slow on a loaded machine); default 30 s. */
  readyTimeoutMs?: number;
  /** More environment variables (SHUTDOWN_TIMEOUT, LOG_LEVEL...). */
  env?: Record<string, string>;
}

/**
 * The service as it runs in production: `node dist/apps/api/src/main.js` in a
 * process of its own, so that the load driver and the bench never share its CPU
 * time or event loop.
 */
/** Without a database URL: embedded PGlite in `dataDir`. */
export async function startService(databaseUrl: string | undefined, options: ServiceOptions = {}): Promise<ServiceProcess> {
  const port = options.port ?? (await freePort());
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'tag-history-bench-'));
  const args = [MAIN];
  if (options.cpuProfDir) {
    mkdirSync(options.cpuProfDir, { recursive: true });
    args.unshift('--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`);
  }
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir };
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  else delete env.DATABASE_URL;
  const child = spawn(process.execPath, args, {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output = (output + chunk).slice(-10_000)));
  child.stderr!.on('data', (chunk) => (output = (output + chunk).slice(-10_000)));
  const url = `http://127.0.0.1:${port}`;
  await waitReady(url, child, () => output, options.readyTimeoutMs ?? 30_000);
  let stopping = false;
  // Killed by something else, or crashed: say so with its last output, rather than only failing the next measurement.
  child.once('exit', (code, signal) => {
    if (!stopping) console.error(`the service (pid ${child.pid}) exited unexpectedly (${code ?? signal}); its last output:\n${output}`);
  });
  return {
    url,
    pid: child.pid!,
    dataDir,
    cpuMicros: () => cpuMicrosOf(child.pid!),
    rssBytes: () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) * 1024,
    kill: () => {
      stopping = true;
      const exited = new Promise<void>((r) => (child.exitCode !== null ? r() : child.once('exit', () => r())));
      child.kill('SIGKILL');
      return exited;
    },
    output: () => output,
    terminate: () => {
      stopping = true;
      const started = Date.now();
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>((r) =>
        child.once('exit', (code, signal) => r({ code, signal, ms: Date.now() - started })),
      );
      child.kill('SIGTERM');
      return exited;
    },
    stop: async () => {
      stopping = true;
      await stop(child);
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function waitReady(url: string, child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the service exited with ${child.exitCode}:\n${output()}`);
    try {
      if ((await fetch(`${url}/readyz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`the service did not become ready in ${timeoutMs / 1000} s:\n${output()}`);
}

// SIGINT lets Nest close and the process exit by itself, which is when --cpu-prof writes its profile.
function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolveStop) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolveStop();
    });
    child.kill('SIGINT');
  });
}

/** CPU time (user + system) process `pid` has used, in µs: fields 14 and 15 of /proc/<pid>/stat, in ticks of 10 ms (the name, field 2, has no spaces here). */
export function cpuMicrosOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ');
  return (Number(fields[13]) + Number(fields[14])) * 10_000;
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}
