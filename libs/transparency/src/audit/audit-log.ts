import { type EventJson, type EventTuple, keyRecordsOf, ParallelLogVerifier, type PublishedJwks } from '@tag-history/signing';
import { repositoryStreams } from '@tag-history/domain';
import { ProofError, verifyConsistency } from '../verify-proofs';
import type { LogClient } from './log-client';
import { BadSignatureError, type OpenedCheckpoint, openCheckpoint, type PinnedKeys } from './open-checkpoint';
import { TileVerifier } from './tile-verifier';

/** The auditor's verdicts, as the CLI's exit codes. */
export const AUDIT_OK = 0;
export const AUDIT_BAD_SIGNATURE_OR_PROOF = 2;
export const AUDIT_FORK_OR_ROLLBACK = 3;
export const AUDIT_STALE = 4;

export interface AuditOptions {
  client: LogClient;
  keys: PinnedKeys;
  /** The note the last audit stored, if any. */
  previous?: string;
  maxAgeMs?: number;
  repository?: string;
  now: Date;
  /** With a repository: the log position its events are checked up to, of the checkpoint's size. */
  onProgress?(position: number, size: number): void;
}

export interface AuditResult {
  exit: 0 | 2 | 3 | 4;
  message: string;
  /** The checkpoint to store for next time: set when it verified and is consistent with the previous one. */
  checkpoint?: OpenedCheckpoint;
  /** For a fork or rollback: both signed checkpoints. */
  evidence?: { previous: string; served: string };
  events: number;
}

/**
 * One audit: the served checkpoint is signed by the pinned key, it is
 * consistent with the one stored last time, its timestamp is fresh enough,
 * and (with a repository) every event of it the feed shows is in the signed
 * tree, with a valid JWS and hash chain.
 */
export async function auditLog(options: AuditOptions): Promise<AuditResult> {
  const { client, keys } = options;
  let served: OpenedCheckpoint;
  try {
    served = openCheckpoint(await client.checkpoint(), keys);
  } catch (error) {
    if (error instanceof BadSignatureError) return { exit: AUDIT_BAD_SIGNATURE_OR_PROOF, message: `bad checkpoint: ${error.message}`, events: 0 };
    throw error;
  }
  if (options.previous !== undefined) {
    const fork = await checkGrowth(client, openCheckpoint(options.previous, keys), served);
    if (fork) return { exit: AUDIT_FORK_OR_ROLLBACK, message: fork, evidence: { previous: options.previous, served: served.note }, events: 0 };
  }
  let events = 0;
  if (options.repository !== undefined) {
    try {
      events = await checkRepository(client, served, options.repository, options.onProgress);
    } catch (error) {
      if (error instanceof ProofError) return { exit: AUDIT_BAD_SIGNATURE_OR_PROOF, message: error.message, events };
      throw error;
    }
  }
  if (options.maxAgeMs !== undefined) {
    if (!keys.timestamp) throw new Error('--max-age needs the timestamp key pinned too (the second line of GET /v2/_log/key)');
    if (served.timestamp === undefined)
      return { exit: AUDIT_STALE, message: `the checkpoint has no valid cosignature from ${keys.timestamp.name}`, checkpoint: served, events };
    const age = options.now.getTime() - served.timestamp * 1000;
    if (age > options.maxAgeMs) {
      return {
        exit: AUDIT_STALE,
        message: `the checkpoint was last timestamped ${Math.round(age / 1000)} s ago, more than ${options.maxAgeMs / 1000} s`,
        checkpoint: served,
        events,
      };
    }
  }
  return {
    exit: AUDIT_OK,
    message: `checkpoint ${served.size} ${served.root.toString('base64')} ok${options.repository ? `, ${events} events of ${options.repository} included and signed` : ''}`,
    checkpoint: served,
    events,
  };
}

/** Why `served` is not a later view of the same log as `previous`, or nothing. */
async function checkGrowth(client: LogClient, previous: OpenedCheckpoint, served: OpenedCheckpoint): Promise<string | undefined> {
  if (served.size < previous.size) return `rollback: the log shrank from ${previous.size} to ${served.size}`;
  if (served.size === previous.size) {
    return Buffer.compare(served.root, previous.root) === 0 ? undefined : `fork: two different roots for size ${served.size}`;
  }
  if (previous.size === 0) return undefined;
  try {
    const proof = await client.consistency(previous.size, served.size);
    verifyConsistency(
      previous.size,
      served.size,
      previous.root,
      served.root,
      proof.hashes.map((h) => Buffer.from(h, 'base64')),
    );
    return undefined;
  } catch (error) {
    return `fork: no valid consistency proof from ${previous.size} to ${served.size} (${error instanceof Error ? error.message : error})`;
  }
}

/**
 * Every event of the repository up to the checkpoint: leaf in the signed tree, JWS and chain valid. Returns how many.
 * Signatures and leaf hashes are computed on worker threads while the next page is fetched.
 */
async function checkRepository(client: LogClient, checkpoint: OpenedCheckpoint, repository: string, onProgress?: AuditOptions['onProgress']): Promise<number> {
  const tiles = await TileVerifier.open(checkpoint.size, checkpoint.root, (level, index, width) => client.tile(level, index, width));
  let leaves: Promise<void>[] = [];
  // After an archive, each chain picks up at its stream's archived head: the segment (verify-segment) proves those offline.
  const archived = await client.archived(repository);
  const verifier = new ParallelLogVerifier({
    keys: keyRecordsOf((await client.jwks()) as unknown as PublishedJwks),
    wholeLog: false,
    start: { position: archived.boundary, heads: archived.streams },
    chained: repositoryStreams(repository),
    onLeaf: (position, hash) => {
      const check = tiles.checkLeafHash(position - 1, hash);
      // Awaited with its page; a failure before then must not count as unhandled.
      check.catch(() => undefined);
      leaves.push(check);
    },
  });
  let count = 0;
  try {
    for (let next = client.events(repository, undefined); ;) {
      const page = await next;
      const events = page.events.filter((e) => e.position <= checkpoint.size);
      const more = page.events.length > 0 && events.length === page.events.length;
      if (more) next = client.events(repository, page.cursor);
      await verifier.add(events.map(toTuple));
      count += events.length;
      const checking = leaves;
      leaves = [];
      await Promise.all(checking);
      onProgress?.(more ? (events.at(-1)?.position ?? 0) : checkpoint.size, checkpoint.size);
      if (!more) break;
    }
    const result = await verifier.finish();
    await Promise.all(leaves);
    if (!result.ok) {
      const first = result.broken[0]!;
      throw new ProofError(`${result.broken.length} events do not verify; first at position ${first.position}: ${first.reason}`);
    }
    return count;
  } finally {
    await verifier.close();
  }
}

function toTuple(e: EventJson): EventTuple {
  return [e.position, e.stream, e.version, e.type, e.data, e.actor, new Date(e.time).getTime(), e.jws, e.hash, e.prev];
}
