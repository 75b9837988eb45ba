import { type Checkpoint, parseCheckpoint } from '../checkpoint';
import { COSIGNATURE_V1, ED25519, type NoteVerifier, parseVerifierKey } from '../note-keys';
import { findSignature, type NoteSignature, parseNote } from '../signed-note';

/** The keys an auditor pins: the log's checkpoint key and, to judge freshness, its timestamp cosigner. */
export interface PinnedKeys {
  log: NoteVerifier;
  timestamp?: NoteVerifier;
}

/** A checkpoint whose log signature verified; `timestamp` the verified cosignature time (Unix seconds). */
export interface OpenedCheckpoint extends Checkpoint {
  note: string;
  body: string;
  timestamp?: number;
}

/** Thrown for anything that is not a checkpoint signed by the pinned key: the auditor's exit 2. */
export class BadSignatureError extends Error {}

/** Verifier keys from text: one per line or per argument, the Ed25519 one the log's, a cosignature/v1 one its timestamp key. */
export function parsePinnedKeys(lines: string[]): PinnedKeys {
  const keys = lines
    .flatMap((l) => l.split('\n'))
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => parseVerifierKey(l));
  const log = keys.filter((k) => k.type === ED25519);
  const timestamp = keys.filter((k) => k.type === COSIGNATURE_V1);
  if (log.length !== 1 || timestamp.length > 1) throw new Error('pin exactly one Ed25519 checkpoint key and at most one cosignature (timestamp) key');
  return { log: log[0]!, timestamp: timestamp[0] };
}

export function openCheckpoint(note: string, keys: PinnedKeys): OpenedCheckpoint {
  try {
    const { text, signatures } = parseNote(note);
    if (!findSignature(keys.log, text, signatures)) throw new BadSignatureError(`the checkpoint is not signed by ${keys.log.name}`);
    const checkpoint = parseCheckpoint(text);
    if (checkpoint.origin !== keys.log.name) throw new BadSignatureError(`the checkpoint's origin ${checkpoint.origin} is not the key's name ${keys.log.name}`);
    return { ...checkpoint, note, body: text, timestamp: keys.timestamp && timestampOf(keys.timestamp, text, signatures) };
  } catch (error) {
    if (error instanceof BadSignatureError) throw error;
    throw new BadSignatureError(error instanceof Error ? error.message : String(error));
  }
}

/** The time of a valid timestamp cosignature; one that does not verify proves no freshness, so it counts as none. */
function timestampOf(key: NoteVerifier, text: string, signatures: NoteSignature[]): number | undefined {
  try {
    const stamp = findSignature(key, text, signatures);
    return stamp?.kind === 'cosignature' ? stamp.time : undefined;
  } catch {
    return undefined;
  }
}
