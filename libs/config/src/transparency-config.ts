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
}

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
  };
}
