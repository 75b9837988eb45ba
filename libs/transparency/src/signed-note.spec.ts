import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatCheckpoint, parseCheckpoint } from './checkpoint';
import { COSIGNATURE_V1, ED25519, generateSignerKey, parseSignerKey, parseVerifierKey } from './note-keys';
import { cosignText, findSignature, parseNote, parseSignatureLine, signText, verifySignature } from './signed-note';

interface NoteVector {
  name: string;
  verifierKey: string;
  signed: string;
  text: string;
}

const vectors = JSON.parse(readFileSync(join(__dirname, '../../../test/fixtures/vectors/signed-note.json'), 'utf8'));

describe('signed notes (known answers)', () => {
  const sumdb = vectors.notes[0];

  it("reproduces sumdb/note's signature line byte for byte", () => {
    const signer = parseSignerKey(sumdb.signerKey);
    expect(signer.text).toBe(sumdb.verifierKey);
    expect(`${sumdb.text}\n${signText(signer, sumdb.text)}\n`).toBe(sumdb.signed);
  });

  it.each((vectors.notes as NoteVector[]).map((n) => [n.name, n] as const))('verifies %s and refuses it altered', (_name, n) => {
    const key = parseVerifierKey(n.verifierKey);
    const note = parseNote(n.signed);
    expect(note.text).toBe(n.text);
    expect(findSignature(key, note.text, note.signatures)).toEqual({ kind: 'signature' });
    expect(() => findSignature(key, note.text.replace('.', '!'), note.signatures)).toThrow();
  });

  it('verifies the cosigned checkpoint with its time, and refuses the tampered body', () => {
    const c = vectors.cosignedCheckpoint;
    const key = parseVerifierKey(c.witnessVerifierKey);
    expect(key.type).toBe(COSIGNATURE_V1);
    const line = parseSignatureLine(c.witnessSignatureLine);
    expect(verifySignature(key, c.checkpointBody, line)).toEqual({ kind: 'cosignature', time: c.cosignatureTime });
    expect(() => verifySignature(key, c.tamperedBody, line)).toThrow();
    expect(parseCheckpoint(c.checkpointBody).size).toBe(1432088532);
  });

  it('signs and cosigns with generated keys in the same format', () => {
    const log = parseSignerKey(generateSignerKey('localhost/tag-history'));
    const stamp = parseSignerKey(generateSignerKey('localhost/tag-history/timestamp', COSIGNATURE_V1));
    expect(log.type).toBe(ED25519);
    const body = formatCheckpoint({ origin: 'localhost/tag-history', size: 3, root: Buffer.alloc(32, 7) });
    const note = parseNote(`${body}\n${signText(log, body)}\n${cosignText(stamp, body, 1_700_000_000)}\n`);
    expect(findSignature(parseVerifierKey(log.text), body, note.signatures)).toEqual({ kind: 'signature' });
    expect(findSignature(parseVerifierKey(stamp.text), body, note.signatures)).toEqual({ kind: 'cosignature', time: 1_700_000_000 });
  });

  it('refuses malformed keys and checkpoints', () => {
    expect(() => parseVerifierKey('PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW')).toThrow(/key hash/);
    expect(() => parseVerifierKey('no-plus-signs')).toThrow();
    expect(() => parseCheckpoint('origin\n-1\nAAAA\n')).toThrow();
    expect(() => parseCheckpoint('origin\n1\n')).toThrow();
  });
});
