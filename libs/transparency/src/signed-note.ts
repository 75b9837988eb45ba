import { sign, verify } from 'node:crypto';
import { COSIGNATURE_V1, ED25519, type NoteSigner, type NoteVerifier } from './note-keys';

/** A C2SP signed-note: text, a blank line, then one `— <name> <base64>` line per signature. */
export interface SignedNote {
  text: string;
  signatures: NoteSignature[];
}

export interface NoteSignature {
  name: string;
  keyHash: number;
  /** The bytes after the key hash: a signature, or for cosignature/v1 the time and a signature. */
  signature: Buffer;
  line: string;
}

export class NoteError extends Error {}

const DASH = '\u2014 ';
const MAX_NOTE = 1_000_000;

export function parseNote(note: string): SignedNote {
  if (note.length > MAX_NOTE) throw new NoteError('note is too long');
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) throw new NoteError('a signed note is text, a blank line and signature lines, each ending in a newline');
  const text = note.slice(0, split + 1);
  const signatures = note
    .slice(split + 2, -1)
    .split('\n')
    .map(parseSignatureLine);
  if (signatures.length === 0) throw new NoteError('a signed note has at least one signature');
  return { text, signatures };
}

export function parseSignatureLine(line: string): NoteSignature {
  const match = /^\u2014 (\S+) ([A-Za-z0-9+/]+={0,2})$/u.exec(line);
  const raw = match ? Buffer.from(match[2]!, 'base64') : undefined;
  if (!match || !raw || raw.length < 5 || raw.toString('base64') !== match[2])
    throw new NoteError(`not a signature line: ${JSON.stringify(line.slice(0, 200))}`);
  return { name: match[1]!, keyHash: raw.readUInt32BE(0), signature: raw.subarray(4), line };
}

function signatureLine(key: NoteVerifier, signature: Uint8Array): string {
  const hash = Buffer.alloc(4);
  hash.writeUInt32BE(key.keyHash);
  return `${DASH}${key.name} ${Buffer.concat([hash, signature]).toString('base64')}`;
}

export function formatNote(note: SignedNote): string {
  return `${note.text}\n${note.signatures.map((s) => `${s.line}\n`).join('')}`;
}

/** An Ed25519 signature line over `text` (deterministic, as Ed25519 is). */
export function signText(key: NoteSigner, text: string): string {
  if (key.type !== ED25519) throw new NoteError(`${key.name} is not an Ed25519 note key`);
  if (!text.endsWith('\n')) throw new NoteError('note text must end with a newline');
  return signatureLine(key, sign(null, Buffer.from(text), key.privateKey));
}

/** The message a cosignature/v1 signs: a header with the time, then the checkpoint body. */
function cosignedMessage(body: string, time: number): Buffer {
  return Buffer.from(`cosignature/v1\ntime ${time}\n${body}`);
}

/** A C2SP tlog-cosignature line over a checkpoint body at `time` (Unix seconds). */
export function cosignText(key: NoteSigner, body: string, time: number): string {
  if (key.type !== COSIGNATURE_V1) throw new NoteError(`${key.name} is not a cosignature/v1 key`);
  const stamp = Buffer.alloc(8);
  stamp.writeBigUInt64BE(BigInt(time));
  return signatureLine(key, Buffer.concat([stamp, sign(null, cosignedMessage(body, time), key.privateKey)]));
}

export type VerifiedSignature = { kind: 'signature' } | { kind: 'cosignature'; time: number };

/**
 * Whether `signature` over `text` is by `key`: undefined when the line is
 * not that key's (another name or key hash), an error when it is and does
 * not verify.
 */
export function verifySignature(key: NoteVerifier, text: string, signature: NoteSignature): VerifiedSignature | undefined {
  if (signature.name !== key.name || signature.keyHash !== key.keyHash) return undefined;
  if (key.type === ED25519) {
    if (signature.signature.length !== 64 || !verify(null, Buffer.from(text), key.publicKey, signature.signature)) {
      throw new NoteError(`the signature of ${key.name} does not verify`);
    }
    return { kind: 'signature' };
  }
  if (signature.signature.length !== 72) throw new NoteError(`the cosignature of ${key.name} has the wrong length`);
  const time = Number(signature.signature.readBigUInt64BE(0));
  if (!verify(null, cosignedMessage(text, time), key.publicKey, signature.signature.subarray(8))) {
    throw new NoteError(`the cosignature of ${key.name} does not verify`);
  }
  return { kind: 'cosignature', time };
}

/** The first of `signatures` that is `key`'s, verified; undefined when none is. */
export function findSignature(key: NoteVerifier, text: string, signatures: readonly NoteSignature[]): VerifiedSignature | undefined {
  for (const s of signatures) {
    const verified = verifySignature(key, text, s);
    if (verified) return verified;
  }
  return undefined;
}
