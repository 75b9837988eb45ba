import { HASH_SIZE } from './hashes';

/** A C2SP tlog-checkpoint body: origin, tree size, root hash, then optional extension lines. */
export interface Checkpoint {
  origin: string;
  size: number;
  root: Buffer;
  extensions: string[];
}

export class CheckpointError extends Error {}

export function formatCheckpoint(c: Pick<Checkpoint, 'origin' | 'size' | 'root'> & { extensions?: string[] }): string {
  return [c.origin, String(c.size), Buffer.from(c.root).toString('base64'), ...(c.extensions ?? [])].map((l) => `${l}\n`).join('');
}

export function parseCheckpoint(body: string): Checkpoint {
  const lines = body.split('\n');
  if (lines.length < 4 || lines.pop() !== '') throw new CheckpointError('a checkpoint is origin, size and root hash lines, each ending in a newline');
  const [origin, size, root, ...extensions] = lines as [string, string, string, ...string[]];
  if (origin === '') throw new CheckpointError('a checkpoint needs an origin');
  if (!/^(0|[1-9]\d{0,15})$/.test(size) || !Number.isSafeInteger(Number(size))) throw new CheckpointError(`"${size}" is not a tree size`);
  const hash = Buffer.from(root, 'base64');
  if (hash.length !== HASH_SIZE || hash.toString('base64') !== root) throw new CheckpointError('the root hash is not 32 bytes of standard base64');
  if (extensions.some((l) => l === '')) throw new CheckpointError('a checkpoint has no empty lines');
  return { origin, size: Number(size), root: hash, extensions };
}
