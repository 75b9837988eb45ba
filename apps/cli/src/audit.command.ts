import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDuration } from '@tag-history/domain';
import { AUDIT_OK, auditLog, httpLogClient, parsePinnedKeys } from '@tag-history/transparency';

export const AUDIT_HELP =
  'audit --server <url> --key <verifier key or file> --state <dir> [--max-age <ISO duration>] [--repository <name>]\n' +
  '                exit 0 ok, 2 bad signature or proof, 3 fork or rollback (both checkpoints printed), 4 stale';

const STATE_FILE = 'checkpoint';

/**
 * `audit`: for someone who trusts only the pinned keys and the checkpoint it
 * stored last time. Returns the exit code (1 for usage and I/O errors).
 */
export async function auditCommand(args: string[], out: (line: string) => void = console.log): Promise<number> {
  const server = option(args, '--server');
  const stateDir = option(args, '--state');
  const keyArgs = options(args, '--key');
  if (!server || !stateDir || keyArgs.length === 0) throw new Error(`usage: ${AUDIT_HELP}`);
  // A --key is the key itself, or a file holding GET /v2/_log/key's lines.
  const keys = parsePinnedKeys(keyArgs.map((k) => (existsSync(k) ? readFileSync(k, 'utf8') : k)));
  const maxAge = option(args, '--max-age');
  const statePath = join(stateDir, STATE_FILE);
  const result = await auditLog({
    client: httpLogClient(server, process.env.TAG_HISTORY_TOKEN),
    keys,
    previous: existsSync(statePath) ? readFileSync(statePath, 'utf8') : undefined,
    maxAgeMs: maxAge === undefined ? undefined : parseDuration(maxAge, '--max-age'),
    repository: option(args, '--repository'),
    now: new Date(),
  });
  out(`${result.exit === AUDIT_OK ? 'ok' : 'FAILED'}: ${result.message}`);
  if (result.evidence) out(`checkpoint stored by the last audit:\n${result.evidence.previous}\ncheckpoint served now:\n${result.evidence.served}`);
  if (result.checkpoint) {
    mkdirSync(stateDir, { recursive: true });
    // Replaced whole or not at all: a crash never leaves half a checkpoint to compare with.
    writeFileSync(`${statePath}.tmp`, result.checkpoint.note);
    renameSync(`${statePath}.tmp`, statePath);
  }
  return result.exit;
}

function option(args: string[], name: string): string | undefined {
  const all = options(args, name);
  if (all.length > 1) throw new Error(`${name} may be given once`);
  return all[0];
}

function options(args: string[], name: string): string[] {
  const values: string[] = [];
  args.forEach((a, i) => {
    if (a !== name) return;
    const value = args[i + 1];
    if (value === undefined || value.startsWith('--')) throw new Error(`${name} needs a value`);
    values.push(value);
  });
  return values;
}
