import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { connect } from '@tag-history/database';
import { loadConfig } from '@tag-history/config';
import { baseUrl, ensureOk, ndjsonBody } from './api-client';
import { sweepRegistry } from './gc-sweep-registry';

export const GC_SWEEP_HELP =
  'gc sweep --cursor C [--candidates file|-] [--retention P7D] [--delete-with cmd] [--url base]\n' +
  '                gc sweep --registry [--retention P7D] [--url base]   (REGISTRY_URL...: deletes in the watched registry)\n' +
  '                gc sweep --close <id> [--deleted file]';

interface Sweep {
  id: string;
  leaseUntil: string;
  unreferenced: { repository: string; digest: string }[];
}

/**
 * Creates a sweep from candidate lines and prints what is still unreferenced.
 * With --delete-with the command gets those lines on stdin and prints the
 * ones it deleted; the sweep is then closed with them. Without it, the
 * operator deletes and closes with --close.
 */
export async function gcSweep(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      url: { type: 'string' },
      cursor: { type: 'string' },
      candidates: { type: 'string', default: '-' },
      retention: { type: 'string' },
      'delete-with': { type: 'string' },
      close: { type: 'string' },
      deleted: { type: 'string' },
      registry: { type: 'boolean' },
    },
  });
  const url = baseUrl(values.url);
  if (values.registry) return sweepWatchedRegistry(url, values.retention);
  if (values.close) return close(url, values.close, values.deleted);
  if (!values.cursor) throw new Error('--cursor is required: the "cursor" of the referenced set the candidates were computed from');
  const query = new URLSearchParams({ cursor: values.cursor });
  if (values.retention) query.set('retention', values.retention);
  const res = await ensureOk(await fetch(`${url}/v2/_gc/sweeps?${query}`, { method: 'POST', ...ndjsonBody(values.candidates) }));
  const sweep = (await res.json()) as Sweep;
  const lines = sweep.unreferenced.map((u) => `${JSON.stringify(u)}\n`).join('');
  process.stderr.write(`sweep ${sweep.id}: ${sweep.unreferenced.length} unreferenced, leased until ${sweep.leaseUntil}\n`);
  const command = values['delete-with'];
  if (!command) {
    process.stdout.write(lines);
    process.stderr.write(`delete them, then: tag-history gc sweep --close ${sweep.id} --deleted <file>\n`);
    return;
  }
  const { deleted, code } = await runDeleter(command, lines);
  await close(url, sweep.id, undefined, deleted);
  if (code !== 0) throw new Error(`${command} exited with ${code}; the sweep was closed with the ${deleted.split('\n').filter(Boolean).length} lines it reported deleted`);
}

async function close(url: string, id: string, file: string | undefined, body?: string): Promise<void> {
  const init: RequestInit = body !== undefined ? { body, headers: { 'content-type': 'application/x-ndjson' } } : file ? ndjsonBody(file) : {};
  const res = await ensureOk(await fetch(`${url}/v2/_gc/sweeps/${encodeURIComponent(id)}`, { method: 'DELETE', ...init }));
  const closed = (await res.json()) as { deleted: number; event: { position: number } };
  process.stderr.write(`sweep ${id} closed: ${closed.deleted} deleted, recorded at position ${closed.event.position}\n`);
}

async function sweepWatchedRegistry(url: string, retention: string | undefined): Promise<void> {
  const config = loadConfig();
  if (!config.registry) throw new Error('gc sweep --registry needs REGISTRY_URL (and REGISTRY_USERNAME/REGISTRY_PASSWORD when the registry asks)');
  const { db } = connect(config.storage);
  try {
    const result = await sweepRegistry({ db, url, registry: config.registry, retention });
    for (const kept of result.kept) process.stderr.write(`kept ${kept.repository}@${kept.digest}: ${kept.why}\n`);
    process.stdout.write(result.deleted.map((d) => `${JSON.stringify(d)}\n`).join(''));
    process.stderr.write(`sweep ${result.sweep}: ${result.candidates} candidates, ${result.unreferenced} unreferenced, ${result.deleted.length} deleted in the registry\n`);
  } finally {
    await db.destroy();
  }
}

function runDeleter(command: string, input: string): Promise<{ deleted: string; code: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', command], { stdio: ['pipe', 'pipe', 'inherit'] });
    let deleted = '';
    createInterface({ input: child.stdout }).on('line', (line) => (deleted += `${line}\n`));
    child.on('error', reject);
    child.on('close', (code) => resolve({ deleted, code: code ?? 1 }));
    child.stdin.end(input);
  });
}

