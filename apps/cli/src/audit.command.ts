import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDuration } from '@tag-history/domain';
import { AUDIT_OK, auditLog, httpLogClient, parsePinnedKeys } from '@tag-history/transparency';
import { withProgress } from './progress-bar';

const STATE_FILE = 'checkpoint';

export interface AuditCommandOptions {
  server: string;
  /** Verifier keys, or files holding GET /v2/_log/key's lines. */
  key: string[];
  state: string;
  maxAge?: string;
  repository?: string;
  json?: boolean;
}

/**
 * `audit`: for someone who trusts only the pinned keys and the checkpoint it
 * stored last time. Returns the exit code (1 for usage and I/O errors).
 */
export async function auditCommand(options: AuditCommandOptions, out: (line: string) => void = console.log): Promise<number> {
  const keys = parsePinnedKeys(options.key.map((k) => (existsSync(k) ? readFileSync(k, 'utf8') : k)));
  const statePath = join(options.state, STATE_FILE);
  const result = await withProgress(
    'auditing',
    (progress) =>
      auditLog({
        client: httpLogClient(options.server, process.env.TAG_HISTORY_TOKEN),
        keys,
        previous: existsSync(statePath) ? readFileSync(statePath, 'utf8') : undefined,
        maxAgeMs: options.maxAge === undefined ? undefined : parseDuration(options.maxAge, '--max-age'),
        repository: options.repository,
        now: new Date(),
        onProgress: (position, size) => progress.update(position, size),
      }),
    options.json,
  );
  if (options.json) {
    out(
      JSON.stringify({
        ok: result.exit === AUDIT_OK,
        exit: result.exit,
        message: result.message,
        events: result.events,
        checkpoint: result.checkpoint?.note,
        evidence: result.evidence,
      }),
    );
  } else {
    out(`${result.exit === AUDIT_OK ? 'ok' : 'FAILED'}: ${result.message}`);
    if (result.evidence) out(`checkpoint stored by the last audit:\n${result.evidence.previous}\ncheckpoint served now:\n${result.evidence.served}`);
  }
  if (result.checkpoint) {
    mkdirSync(options.state, { recursive: true });
    // Replaced whole or not at all: a crash never leaves half a checkpoint to compare with.
    writeFileSync(`${statePath}.tmp`, result.checkpoint.note);
    renameSync(`${statePath}.tmp`, statePath);
  }
  return result.exit;
}
