import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Config } from '@tag-history/config';
import { connect } from '@tag-history/database';
import { progressBar } from '../progress-bar';
import { baseUrl, ensureOk, ndjsonBody } from './api-client';
import { sweepRegistry } from './gc-sweep-registry';

export interface GcSweepOptions {
  url?: string;
  cursor?: string;
  candidates: string;
  retention?: string;
  deleteWith?: string;
  close?: string;
  deleted?: string;
  registry?: boolean;
  json?: boolean;
}

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
export async function gcSweep(options: GcSweepOptions, config?: () => Config): Promise<void> {
  const url = baseUrl(options.url);
  if (options.registry) return sweepWatchedRegistry(url, options.retention, config!(), options.json);
  if (options.close) return close(url, options.close, options.deleted, undefined, options.json);
  if (!options.cursor) throw new Error('--cursor is required: the "cursor" of the referenced set the candidates were computed from');
  const query = new URLSearchParams({ cursor: options.cursor });
  if (options.retention) query.set('retention', options.retention);
  const res = await ensureOk(await fetch(`${url}/v2/_gc/sweeps?${query}`, { method: 'POST', ...ndjsonBody(options.candidates) }));
  const sweep = (await res.json()) as Sweep;
  const lines = sweep.unreferenced.map((u) => `${JSON.stringify(u)}\n`).join('');
  const command = options.deleteWith;
  if (!command) {
    if (options.json) return void console.log(JSON.stringify(sweep));
    process.stderr.write(`sweep ${sweep.id}: ${sweep.unreferenced.length} unreferenced, leased until ${sweep.leaseUntil}\n`);
    process.stdout.write(lines);
    process.stderr.write(`delete them, then: tag-history gc sweep --close ${sweep.id} --deleted <file>\n`);
    return;
  }
  process.stderr.write(`sweep ${sweep.id}: ${sweep.unreferenced.length} unreferenced, leased until ${sweep.leaseUntil}\n`);
  const { deleted, code } = await runDeleter(command, lines, sweep.unreferenced.length);
  await close(url, sweep.id, undefined, deleted, options.json);
  if (code !== 0)
    throw new Error(`${command} exited with ${code}; the sweep was closed with the ${deleted.split('\n').filter(Boolean).length} lines it reported deleted`);
}

async function close(url: string, id: string, file: string | undefined, body: string | undefined, json: boolean | undefined): Promise<void> {
  const init: RequestInit = body !== undefined ? { body, headers: { 'content-type': 'application/x-ndjson' } } : file ? ndjsonBody(file) : {};
  const res = await ensureOk(await fetch(`${url}/v2/_gc/sweeps/${encodeURIComponent(id)}`, { method: 'DELETE', ...init }));
  const closed = (await res.json()) as { deleted: number; event: { position: number } };
  if (json) console.log(JSON.stringify({ sweep: id, deleted: closed.deleted, position: closed.event.position }));
  else process.stderr.write(`sweep ${id} closed: ${closed.deleted} deleted, recorded at position ${closed.event.position}\n`);
}

async function sweepWatchedRegistry(url: string, retention: string | undefined, config: Config, json: boolean | undefined): Promise<void> {
  if (!config.registry) throw new Error('gc sweep --registry needs REGISTRY_URL (and REGISTRY_USERNAME/REGISTRY_PASSWORD when the registry asks)');
  const { db } = connect(config.storage);
  try {
    const progress = json ? undefined : progressBar('deleting');
    const result = await sweepRegistry({ db, url, registry: config.registry, retention, onProgress: progress?.update }).finally(() => progress?.end());
    if (json) return void console.log(JSON.stringify(result));
    for (const kept of result.kept) process.stderr.write(`kept ${kept.repository}@${kept.digest}: ${kept.why}\n`);
    process.stdout.write(result.deleted.map((d) => `${JSON.stringify(d)}\n`).join(''));
    process.stderr.write(
      `sweep ${result.sweep}: ${result.candidates} candidates, ${result.unreferenced} unreferenced, ${result.deleted.length} deleted in the registry\n`,
    );
  } finally {
    await db.destroy();
  }
}

function runDeleter(command: string, input: string, total: number): Promise<{ deleted: string; code: number }> {
  const progress = progressBar('deleting');
  let count = 0;
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', command], { stdio: ['pipe', 'pipe', 'inherit'] });
    let deleted = '';
    createInterface({ input: child.stdout }).on('line', (line) => {
      deleted += `${line}\n`;
      progress.update(++count, total);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      progress.end();
      resolve({ deleted, code: code ?? 1 });
    });
    child.stdin.end(input);
  });
}
