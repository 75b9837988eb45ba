import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COSIGNATURE_V1, ED25519, generateSignerKey, parseSignerKey } from '@tag-history/transparency';
import { loadLogKeys } from './log-keys';
import { loadTransparencyConfig } from '@tag-history/config';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'log-keys-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the log keys', () => {
  it('are generated in DATA_DIR on first start, private, and the same on the next', () => {
    const first = loadLogKeys(loadTransparencyConfig({}, dir));
    expect(first.origin).toBe('localhost/tag-history');
    expect([first.checkpoint.type, first.timestamp.type]).toEqual([ED25519, COSIGNATURE_V1]);
    expect(first.timestamp.name).toBe('localhost/tag-history/timestamp');
    expect(readFileSync(join(dir, 'checkpoint-key'), 'utf8')).toMatch(/^PRIVATE\+KEY\+localhost\/tag-history\+[0-9a-f]{8}\+/);
    expect(statSync(join(dir, 'timestamp-key')).mode & 0o077).toBe(0);
    expect(loadLogKeys(loadTransparencyConfig({}, dir)).checkpoint.text).toBe(first.checkpoint.text);
    expect(first.intervalMs).toBe(10_000);
  });

  it('come from the environment, named after LOG_ORIGIN, with witnesses and an interval', () => {
    const witness = generateSignerKey('w.example', COSIGNATURE_V1);
    const env = {
      LOG_ORIGIN: 'registry.example/tags',
      CHECKPOINT_KEY: generateSignerKey('registry.example/tags'),
      TIMESTAMP_KEY: generateSignerKey('registry.example/tags/timestamp', COSIGNATURE_V1),
      CHECKPOINT_INTERVAL: 'PT2S',
      LOG_WITNESSES: ` ${parseSignerKey(witness).text} ,`,
    };
    const keys = loadLogKeys(loadTransparencyConfig(env, dir));
    expect(keys.witnesses.map((w) => w.name)).toEqual(['w.example']);
    expect(keys.intervalMs).toBe(2_000);
    expect(() => loadLogKeys(loadTransparencyConfig({ ...env, LOG_ORIGIN: 'other.example/log' }, dir))).toThrow(/LOG_ORIGIN/);
    expect(() => loadLogKeys(loadTransparencyConfig({ ...env, TIMESTAMP_KEY: env.CHECKPOINT_KEY }, dir))).toThrow(/type/);
    expect(() => loadTransparencyConfig({ CHECKPOINT_INTERVAL: '10s' }, dir)).toThrow(/CHECKPOINT_INTERVAL/);
    expect(() => loadLogKeys(loadTransparencyConfig({ CHECKPOINT_KEY_FILE: join(dir, 'missing') }, dir))).toThrow(/does not exist/);
  });
});
