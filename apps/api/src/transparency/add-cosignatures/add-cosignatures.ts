import { TagHistoryError } from '@tag-history/domain';
import { findSignature, NoteError, parseCheckpoint, parseSignatureLine } from '@tag-history/transparency';
import type { LogKeys } from '../../infrastructure/transparency/log-keys';
import type { LogReader } from '../../infrastructure/transparency/log-reader';

/** Verifies each line with its witness key over the checkpoint (default: the latest) and keeps the valid ones. */
export async function addCosignatures(log: LogReader, keys: LogKeys, checkpoint: string | undefined, lines: string[]): Promise<void> {
  const body = checkpoint ?? (await log.checkpoint())?.note.split('\n\n', 1)[0]!.concat('\n');
  const size = body === undefined ? undefined : parseCheckpointSize(body);
  const signed = size === undefined ? undefined : await log.signedBody(size);
  if (body === undefined || signed !== body) throw new TagHistoryError('SIGNATURE_INVALID', 'not a checkpoint this log signed', { checkpoint: body ?? null });
  const accepted: { name: string; line: string }[] = [];
  for (const line of lines) {
    const signature = parseSignatureLine(line);
    const key = keys.witnesses.find((k) => k.name === signature.name && k.keyHash === signature.keyHash);
    if (!key) throw new TagHistoryError('DENIED', `${signature.name} is not a witness of this log (LOG_WITNESSES)`, { name: signature.name });
    try {
      if (!findSignature(key, body, [signature])) throw new NoteError('no signature');
    } catch {
      throw new TagHistoryError('SIGNATURE_INVALID', `the signature of ${key.name} does not verify over checkpoint ${size}`, { name: key.name, size });
    }
    accepted.push({ name: key.name, line });
  }
  await log.addCosignatures(size!, accepted);
}

function parseCheckpointSize(body: string): number | undefined {
  try {
    return parseCheckpoint(body).size;
  } catch {
    return undefined;
  }
}
