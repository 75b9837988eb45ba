import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { COSIGNATURE_V1, ED25519, generateSignerKey, type NoteSigner, type NoteVerifier, parseSignerKey, parseVerifierKey } from '@tag-history/transparency';
import type { NoteKeySource, TransparencyConfig } from '@tag-history/config';

/** The log's own keys, apart from the event-signing key: one signs checkpoints, one timestamps them. */
export interface LogKeys {
  origin: string;
  checkpoint: NoteSigner;
  timestamp: NoteSigner;
  witnesses: NoteVerifier[];
  intervalMs: number;
}

export function loadLogKeys(config: TransparencyConfig): LogKeys {
  const checkpoint = loadSigner(config.checkpointKey, config.origin, ED25519);
  const timestamp = loadSigner(config.timestampKey, `${config.origin}/timestamp`, COSIGNATURE_V1);
  // The key's name is the origin: verifiers match the two.
  if (checkpoint.name !== config.origin) throw new Error(`the checkpoint key is named ${checkpoint.name}, but LOG_ORIGIN is ${config.origin}`);
  if (timestamp.name !== `${config.origin}/timestamp`) throw new Error(`the timestamp key must be named ${config.origin}/timestamp, not ${timestamp.name}`);
  return { origin: config.origin, checkpoint, timestamp, witnesses: config.witnesses.map((k) => parseVerifierKey(k)), intervalMs: config.intervalMs };
}

function loadSigner(source: NoteKeySource, name: string, type: number): NoteSigner {
  if (source.kind === 'text') return parseSignerKey(source.text, [type]);
  if (!existsSync(source.path)) {
    if (!source.generateIfMissing) throw new Error(`key file ${source.path} does not exist`);
    mkdirSync(dirname(source.path), { recursive: true });
    // Written with its final mode at once, so the private key is never readable by others.
    try {
      writeFileSync(source.path, `${generateSignerKey(name, type)}\n`, { mode: 0o600, flag: 'wx' });
      chmodSync(source.path, 0o600);
    } catch (error) {
      // Another instance on the same DATA_DIR wrote it first: use that one.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return parseSignerKey(readFileSync(source.path, 'utf8'), [type]);
}

/** Nest injection token for the LogKeys. */
export const LOG_KEYS = Symbol.for('tag-history.log-keys');
