import { join, resolve } from 'node:path';
import { parseDuration } from '@tag-history/domain';

/** A signed-note signer key: given as text, or a file (generated on first start when it is the default one). */
export type NoteKeySource = { kind: 'text'; text: string } | { kind: 'file'; path: string; generateIfMissing: boolean };

export interface TransparencyConfig {
  origin: string;
  checkpointKey: NoteKeySource;
  timestampKey: NoteKeySource;
  /** The timestamp cosignature is re-signed at least this often. */
  intervalMs: number;
  /** Verifier keys of the witnesses whose cosignatures are accepted. */
  witnesses: string[];
  /** Memory for the proofs' tiles (TILE_CACHE_MB). */
  tileCacheBytes: number;
}

/** TILE_CACHE_MB's default: the tiles of a log of about 2.4 million events (a tile of 256 events is kept in 10 KB). */
export const DEFAULT_TILE_CACHE_MB = 96;

export function loadTransparencyConfig(env: NodeJS.ProcessEnv, dataDir: string): TransparencyConfig {
  const source = (name: string, file: string): NoteKeySource =>
    env[name]
      ? { kind: 'text', text: env[name]! }
      : { kind: 'file', path: resolve(env[`${name}_FILE`] ?? join(dataDir, file)), generateIfMissing: !env[`${name}_FILE`] };
  return {
    origin: env.LOG_ORIGIN || 'localhost/tag-history',
    checkpointKey: source('CHECKPOINT_KEY', 'checkpoint-key'),
    timestampKey: source('TIMESTAMP_KEY', 'timestamp-key'),
    intervalMs: parseDuration(env.CHECKPOINT_INTERVAL || 'PT10S', 'CHECKPOINT_INTERVAL'),
    witnesses: (env.LOG_WITNESSES ?? '')
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean),
    tileCacheBytes: tileCacheMegabytes(env.TILE_CACHE_MB) * 2 ** 20,
  };
}

function tileCacheMegabytes(raw: string | undefined): number {
  if (raw === undefined || raw === '') return DEFAULT_TILE_CACHE_MB;
  // Digits only: Number() would also take "0x10", "1e2" and " 5 ".
  const value = /^\d{1,7}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(value)) throw new Error(`TILE_CACHE_MB must be a whole number of megabytes, got "${raw}"`);
  return value;
}
