import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';

/** The signature types of C2SP signed-note keys this log uses. */
export const ED25519 = 0x01;
export const COSIGNATURE_V1 = 0x04;

export interface NoteVerifier {
  name: string;
  /** First 4 bytes of SHA-256(name || "\n" || type || public key). */
  keyHash: number;
  type: number;
  publicKey: KeyObject;
  /** `<name>+<hash>+<base64(type || public key)>`. */
  text: string;
}

export interface NoteSigner extends NoteVerifier {
  privateKey: KeyObject;
  /** `PRIVATE+KEY+<name>+<hash>+<base64(type || seed)>`. */
  secretText: string;
}

const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');

export class NoteKeyError extends Error {}

function keyHash(name: string, type: number, publicKey: Uint8Array): number {
  return createHash('sha256')
    .update(name)
    .update('\n')
    .update(Buffer.from([type]))
    .update(publicKey)
    .digest()
    .readUInt32BE(0);
}

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}

function checkName(name: string): void {
  // A name is non-empty, has no whitespace and no plus sign (signed-note §keys).
  if (name === '' || /[\s+]/u.test(name)) throw new NoteKeyError(`"${name}" is not a key name`);
}

function rawPublicKey(key: KeyObject): Buffer {
  return key.export({ format: 'der', type: 'spki' }).subarray(SPKI_ED25519.length);
}

function parseKeyParts(text: string, prefix: string): { name: string; hash: number; type: number; key: Buffer } {
  if (!text.startsWith(prefix)) throw new NoteKeyError(`a key must start with "${prefix}"`);
  // The name has no plus sign; the base64 after the hash may.
  const [name, hash, ...rest] = text.slice(prefix.length).split('+');
  const parts = [name, hash, rest.join('+')];
  if (rest.length === 0 || !/^[0-9a-f]{8}$/.test(parts[1]!)) throw new NoteKeyError('a key is <name>+<8 hex digits>+<base64>');
  const raw = Buffer.from(parts[2]!, 'base64');
  if (raw.toString('base64') !== parts[2] || raw.length !== 33) throw new NoteKeyError('a key is a type byte and 32 bytes of Ed25519 key, in standard base64');
  checkName(parts[0]!);
  return { name: parts[0]!, hash: parseInt(parts[1]!, 16), type: raw[0]!, key: raw.subarray(1) };
}

function checkType(type: number, types: readonly number[]): void {
  if (!types.includes(type)) throw new NoteKeyError(`key type 0x${type.toString(16).padStart(2, '0')} is not one of ${types.map((t) => `0x0${t}`).join(', ')}`);
}

export function parseVerifierKey(text: string, types: readonly number[] = [ED25519, COSIGNATURE_V1]): NoteVerifier {
  const { name, hash, type, key } = parseKeyParts(text.trim(), '');
  checkType(type, types);
  if (keyHash(name, type, key) !== hash) throw new NoteKeyError(`the key hash of ${name} does not match its key`);
  return { name, keyHash: hash, type, publicKey: createPublicKey({ key: Buffer.concat([SPKI_ED25519, key]), format: 'der', type: 'spki' }), text: text.trim() };
}

export function parseSignerKey(text: string, types: readonly number[] = [ED25519, COSIGNATURE_V1]): NoteSigner {
  const { name, hash, type, key: seed } = parseKeyParts(text.trim(), 'PRIVATE+KEY+');
  checkType(type, types);
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, seed]), format: 'der', type: 'pkcs8' });
  const publicKey = createPublicKey(privateKey);
  const raw = rawPublicKey(publicKey);
  if (keyHash(name, type, raw) !== hash) throw new NoteKeyError(`the key hash of ${name} does not match its key`);
  return { name, keyHash: hash, type, publicKey, privateKey, text: verifierText(name, type, raw), secretText: text.trim() };
}

function verifierText(name: string, type: number, raw: Uint8Array): string {
  return `${name}+${hex8(keyHash(name, type, raw))}+${Buffer.concat([Buffer.from([type]), raw]).toString('base64')}`;
}

/** A new signer key, as text in the format Go's sumdb/note reads. */
export function generateSignerKey(name: string, type: number = ED25519): string {
  checkName(name);
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const seed = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(PKCS8_ED25519.length);
  const hash = keyHash(name, type, rawPublicKey(publicKey));
  return `PRIVATE+KEY+${name}+${hex8(hash)}+${Buffer.concat([Buffer.from([type]), seed]).toString('base64')}`;
}
