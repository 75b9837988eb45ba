import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gcReferenced } from '../../apps/cli/src/gc/gc-referenced';
import { gcSweep } from '../../apps/cli/src/gc/gc-sweep';
import { digest, putTag } from '../support/fixtures';
import { startTestApp, type TestApp } from '../support/test-app';

let t: TestApp;
let dir: string;
beforeAll(async () => {
  t = await startTestApp();
  dir = mkdtempSync(join(tmpdir(), 'gc-cli-'));
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await t.close();
});

const lines = (file: string) =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

describe('operator CLI: gc referenced and gc sweep over the HTTP API', () => {
  it('writes the referenced set to a file, sweeps candidates through a delete command, and records the deletion', async () => {
    await putTag(t.url, 'cli/app', 'latest', 'kept');
    const file = join(dir, 'referenced.ndjson');
    await gcReferenced({ url: t.url, output: file });
    const [header, ...rest] = lines(file);
    expect(rest).toEqual([{ repository: 'cli/app', digest: digest('kept') }, { count: 1 }]);

    const candidates = join(dir, 'candidates.ndjson');
    writeFileSync(candidates, [digest('gone'), digest('kept')].map((d) => JSON.stringify({ repository: 'cli/app', digest: d })).join('\n'));
    const deletedLog = join(dir, 'deleted.ndjson');
    // The "registry" deletes everything it is given and reports it back.
    await gcSweep({ url: t.url, cursor: String(header.cursor), candidates, deleteWith: `tee ${deletedLog}` });
    expect(lines(deletedLog)).toEqual([{ repository: 'cli/app', digest: digest('gone') }]);

    const closed = await t.infrastructure.db.selectFrom('events').select('data').where('type', '=', 'GcSweepClosed').executeTakeFirstOrThrow();
    expect(closed.data).toMatchObject({ count: 1, deleted: { 'cli/app': [digest('gone')] } });
  });

  it("fails with the service's OCI error", async () => {
    await expect(gcReferenced({ url: t.url, retention: 'P1Y', output: join(dir, 'x') })).rejects.toThrow(/400 PARAMETER_INVALID/);
    await expect(gcSweep({ url: t.url, candidates: '-', close: '00000000-0000-4000-8000-000000000000' })).rejects.toThrow(/404 SWEEP_UNKNOWN/);
  });
});
