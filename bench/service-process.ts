import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface ServiceProcess {
  url: string;
  pid: number;
  /** Resident set size of the service process now, in bytes (Linux). */
  rssBytes(): number;
  stop(): Promise<void>;
}

const MAIN = resolve(__dirname, '../apps/api/src/main.js');

/**
 * The service as it runs in production: `node dist/apps/api/src/main.js` in a
 * process of its own, so that the load driver and the bench never share its CPU
 * time or event loop.
 */
export async function startService(databaseUrl: string, options: { cpuProfDir?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ServiceProcess> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'tag-history-bench-'));
  const args = [MAIN];
  if (options.cpuProfDir) {
    mkdirSync(options.cpuProfDir, { recursive: true });
    args.unshift('--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`);
  }
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...options.env, DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output = (output + chunk).slice(-10_000)));
  child.stderr!.on('data', (chunk) => (output = (output + chunk).slice(-10_000)));
  const url = `http://127.0.0.1:${port}`;
  await waitReady(url, child, () => output);
  return {
    url,
    pid: child.pid!,
    rssBytes: () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) * 1024,
    stop: async () => {
      await stop(child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function waitReady(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
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
  throw new Error(`the service did not become ready in 30 s:\n${output()}`);
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
