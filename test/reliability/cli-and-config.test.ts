import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cli } from '../../apps/cli/src/main';
import { createTestDatabase, type TestDatabase } from '../support/test-infrastructure';

// The built CLI and service (dist/, built by `npm run test:reliability`), as an operator runs them.
const ROOT = resolve(__dirname, '../..');
const BIN = join(ROOT, 'bin/tag-history.js');
const API = join(ROOT, 'dist/apps/api/src/main.js');

let database: TestDatabase;
let dir: string;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  database = await createTestDatabase();
  dir = mkdtempSync(join(tmpdir(), 'tag-history-cli-'));
  env = { ...process.env, DATA_DIR: dir };
  delete env.DATABASE_URL;
  const storage = database.config.storage;
  if (storage.kind === 'postgres') env.DATABASE_URL = storage.url;
});
afterAll(async () => {
  await database.drop();
  rmSync(dir, { recursive: true, force: true });
});

const run = (file: string, args: string[], extra: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, [file, ...args], { env: { ...env, ...extra }, encoding: 'utf8', timeout: 120_000 });

describe('the tag-history bin', () => {
  it('--help lists every command with every one of its options', () => {
    const { status, stdout } = run(BIN, ['--help']);
    expect(status).toBe(0);
    const flat = stdout.replace(/\s+/g, ' ');
    const leaves = cli().commands.flatMap((c) =>
      c.commands.length ? c.commands.map((s) => [`${c.name()} ${s.name()}`, s] as const) : [[c.name(), c] as const],
    );
    expect(leaves.map(([name]) => name)).toEqual([
      'migrate',
      'rebuild-projections',
      'check-projections',
      'verify-log',
      'archive-partition',
      'verify-segment',
      'rotate-key',
      'seed-demo',
      'verify-export',
      'audit',
      'gc referenced',
      'gc sweep',
      'reconcile',
    ]);
    for (const [name, command] of leaves) {
      expect(flat).toContain(` ${name} `);
      for (const option of command.options) expect(flat).toContain(option.flags);
    }
  });

  it('--json prints one JSON object for scripts: migrate, then verify-log and check-projections on the migrated store', () => {
    const migrated = run(BIN, ['migrate', '--json']);
    expect(migrated.status).toBe(0);
    expect(JSON.parse(migrated.stdout)).toEqual({ applied: expect.arrayContaining(['0001-event-log']) });
    const again = run(BIN, ['migrate', '--json']);
    expect(JSON.parse(again.stdout)).toEqual({ applied: [] });
    const checked = run(BIN, ['check-projections', '--json']);
    expect(checked.status).toBe(0);
    expect(JSON.parse(checked.stdout)).toMatchObject({ ok: true, events: 0, differences: [] });
    const verified = run(BIN, ['verify-log']);
    expect(verified.status).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, events: 0 });
    // Not a terminal: no progress bar on stderr.
    expect(verified.stderr).not.toContain('[');
  });

  it('refuses an unknown option or command with exit 1', () => {
    const unknown = run(BIN, ['verify-log', '--repo', 'x']);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain("error: unknown option '--repo'");
    expect(run(BIN, ['rebuild']).status).toBe(1);
    const missing = run(BIN, ['audit', '--server', 'http://127.0.0.1:1']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain("error: required option '--key <key or file...>' not specified");
  });
});

describe('one configuration, checked at start by the CLI and the service alike', () => {
  it.each([
    [{ LOG_LEVEL: 'loud' }, 'configuration: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"'],
    [{ SHUTDOWN_TIMEOUT: '10' }, 'configuration: SHUTDOWN_TIMEOUT must be an ISO 8601 duration such as P7D, PT12H or P1W (no years or months)'],
    [{ AUTH_ISSUR: 'https://issuer' }, 'configuration: unknown setting AUTH_ISSUR (misspelt? see the configuration table in README.md)'],
    [{ DATABASE_POOL_SIZE: 'many', DATABASE_URL: 'postgres://127.0.0.1/x' }, 'configuration: DATABASE_POOL_SIZE must be an integer, got "many"'],
  ])('%j: one line and exit 1', (bad, message) => {
    for (const [file, args] of [
      [BIN, ['migrate']],
      [API, []],
    ] as const) {
      const { status, stderr, stdout } = run(file, [...args], { ...bad, PORT: '0' });
      expect({ file, status, stderr: stderr.trim(), stdout }).toEqual({ file, status: 1, stderr: message, stdout: '' });
    }
  });
});
