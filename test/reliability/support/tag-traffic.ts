import { randomBytes } from 'node:crypto';
import { TAG_MEDIA_TYPE } from '@tag-history/domain';
import { digest, MANIFEST_MEDIA_TYPE } from '../../support/fixtures';
import { type AcknowledgedWrite, acknowledgedWrites } from './acknowledged-write';

export type Operation = 'move' | 'move-if-match' | 'delete' | 'restore' | 'batch' | 'read';

export interface Traffic {
  sent: number;
  statuses: Record<string, number>;
  acknowledged: AcknowledgedWrite[];
  /** Requests that got no answer (connection refused or reset, timeout): their outcome is unknown. */
  unanswered: number;
  /** Why, for the first few. */
  unansweredReasons: string[];
  /** 5xx answers, with their bodies. */
  serverErrors: string[];
  /** 2xx answers per operation. */
  succeeded: Partial<Record<Operation, number>>;
}

export const newTraffic = (): Traffic => ({ sent: 0, statuses: {}, acknowledged: [], unanswered: 0, unansweredReasons: [], serverErrors: [], succeeded: {} });

export interface TrafficOptions {
  url: string;
  repository: string;
  tags: number;
  clients: number;
  /** Relative weights of the operations. */
  mix: Partial<Record<Operation, number>>;
  /** Deletes and restores without If-Match too (moves without If-Match never send it). */
  unconditional?: boolean;
  running(): boolean;
}

/**
 * `clients` concurrent loops over random tags, each request a random
 * operation; every 2xx write is recorded with the events its answer names.
 * Moves always go to a new digest, so that every acknowledged move appends.
 */
export async function runTraffic(options: TrafficOptions, traffic: Traffic): Promise<void> {
  const versions = new Map<string, number>();
  const ops = Object.entries(options.mix).flatMap(([op, weight]) => Array<Operation>(weight ?? 0).fill(op as Operation));
  await Promise.all(
    Array.from({ length: options.clients }, async () => {
      while (options.running()) {
        const tag = `t${Math.floor(Math.random() * options.tags)}`;
        await request(options, traffic, versions, ops[Math.floor(Math.random() * ops.length)]!, tag);
      }
    }),
  );
}

async function request(options: TrafficOptions, traffic: Traffic, versions: Map<string, number>, op: Operation, tag: string): Promise<void> {
  const { url, repository } = options;
  const known = versions.get(tag);
  const headers: Record<string, string> = {};
  if (op === 'move-if-match' && known !== undefined) headers['if-match'] = `"${known}"`;
  if ((op === 'delete' || op === 'restore') && !options.unconditional && known !== undefined && Math.random() < 0.5) headers['if-match'] = `"${known}"`;
  const newTarget = () => ({ mediaType: MANIFEST_MEDIA_TYPE, size: 1234, digest: digest(randomBytes(8).toString('hex')) });
  const json = { ...headers, 'content-type': 'application/json' };
  const tagPath = `${url}/v2/${repository}/_tags/${tag}`;
  // Each write says which streams it touches and, for creates and moves, where they point.
  let path = tagPath;
  let init: RequestInit;
  let writes: { tag: string; digest?: string }[] = [];
  if (op === 'move' || op === 'move-if-match') {
    const target = newTarget();
    init = { method: 'PUT', headers: { ...headers, 'content-type': TAG_MEDIA_TYPE }, body: JSON.stringify({ name: repository, tag, target }) };
    writes = [{ tag, digest: target.digest }];
  } else if (op === 'restore') {
    path = `${tagPath}/restore`;
    init = { method: 'POST', headers: json, body: JSON.stringify({ version: 1 + Math.floor(Math.random() * Math.max(1, known ?? 1)) }) };
    writes = [{ tag }];
  } else if (op === 'batch') {
    const others = [...new Set([tag, `t${Math.floor(Math.random() * options.tags)}`, `t${Math.floor(Math.random() * options.tags)}`])];
    // Moves only: the whole batch fails (and writes nothing) while one of its tags does not exist.
    const operations = others.map((t) => ({ op: 'move' as const, name: repository, tag: t, target: newTarget() }));
    path = `${url}/v2/_batch`;
    init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ operations }) };
    writes = operations.map((o) => ({ tag: o.tag, digest: o.target.digest }));
  } else {
    init = { method: op === 'delete' ? 'DELETE' : 'GET', headers };
    if (op === 'delete') writes = [{ tag }];
  }
  traffic.sent++;
  let res: Response;
  let text: string;
  try {
    res = await fetch(path, { ...init, signal: AbortSignal.timeout(60_000) });
    text = await res.text();
  } catch (error) {
    traffic.unanswered++;
    if (traffic.unansweredReasons.length < 5) traffic.unansweredReasons.push(`${init.method} ${path}: ${String((error as Error).cause ?? error)}`);
    await new Promise((r) => setTimeout(r, 20));
    return;
  }
  traffic.statuses[res.status] = (traffic.statuses[res.status] ?? 0) + 1;
  if (res.status >= 500) traffic.serverErrors.push(`${init.method} ${path} -> ${res.status} ${text.slice(0, 300)}`);
  const etag = /^"(\d+)"$/.exec(res.headers.get('etag') ?? '')?.[1];
  if (res.ok && etag !== undefined) versions.set(tag, Number(etag));
  if (res.ok) traffic.succeeded[op] = (traffic.succeeded[op] ?? 0) + 1;
  if (!res.ok || init.method === 'GET') return;
  const body = JSON.parse(text);
  const answers: WriteAnswer[] = op === 'batch' ? body.operations : [body];
  answers.forEach((answer, i) => {
    const write = writes[i]!;
    traffic.acknowledged.push(...acknowledgedWrites(`${repository}:${write.tag}`, answer, write.digest));
  });
}

interface WriteAnswer {
  events?: { type: string; version: number; position: number }[];
}
