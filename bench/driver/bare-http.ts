import { spawn } from 'node:child_process';
import { cpuMicrosOf, freePort } from '../service-process';

/** A process that only answers HTTP: what the load driver can reach, and what its CPU time is. */
export interface BareHttp {
  url: string;
  cpuMicros(): number;
  stop(): Promise<void>;
}

// Runs in the child: node:http, no framework, no database; every request gets the same status, headers and bytes.
const SERVER = `
const http = require('node:http');
process.once('message', ({ status, headers, body }) => {
  const bytes = Buffer.from(body, 'base64');
  http.createServer((request, response) => {
    request.resume();
    response.writeHead(status, { ...headers, 'content-length': bytes.length });
    response.end(bytes);
  }).listen(Number(process.env.PORT), '127.0.0.1', () => process.send('listening'));
});
`;

/**
 * The ceiling of any Node.js service on this machine: one process that
 * answers every request with the bytes the real service answered once, with
 * no routing, no framework and no database. A workload drives it with the
 * same driver and clients as the service, beside the same pgbench baseline.
 */
export async function startBareHttp(answer: Response): Promise<BareHttp> {
  const port = await freePort();
  const headers: Record<string, string> = {};
  for (const name of ['content-type', 'etag', 'cache-control', 'tag-history-position']) {
    const value = answer.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  const body = Buffer.from(await answer.arrayBuffer()).toString('base64');
  const child = spawn(process.execPath, ['-e', SERVER], {
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  // Through the IPC channel: a page of 100 events is more than an environment variable may hold.
  child.send({ status: answer.status, headers, body });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`the bare HTTP server exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    cpuMicros: () => cpuMicrosOf(child.pid!),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
