import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  COSIGNATURE_V1,
  cosignText,
  formatCheckpoint,
  generateSignerKey,
  leafHash,
  openCheckpoint,
  parsePinnedKeys,
  parseSignerKey,
  signText,
  TileVerifier,
  httpLogClient,
  verifyConsistency,
  verifyInclusion,
} from '@tag-history/transparency';
import { type PolicyRefusal, violationDecider, violationOf, violationStreamId } from '@tag-history/domain';
import { EventStore } from '@tag-history/event-store';
import { sql } from 'kysely';
import { auditCommand } from '../../apps/cli/src/audit.command';
import { IntegratorLoop } from '../../apps/api/src/infrastructure/transparency/integrator-loop';
import { LOG_KEYS, type LogKeys } from '../../apps/api/src/infrastructure/transparency/log-keys';
import { putTag } from '../support/fixtures';
import { startTestApp, type TestApp } from '../support/test-app';

const witness = parseSignerKey(generateSignerKey('witness.example/w1', COSIGNATURE_V1));
let t: TestApp;
let keyLines: string;
const dirs: string[] = [];

beforeAll(async () => {
  t = await startTestApp();
  // Witnesses come from LOG_WITNESSES at start; here the key is added to the running app's keys.
  t.app.get<symbol, LogKeys>(LOG_KEYS).witnesses.push(witness);
  keyLines = await (await fetch(`${t.url}/v2/_log/key`)).text();
});
afterAll(async () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  await t.close();
});

const loop = () => t.app.get(IntegratorLoop);
const b64 = (s: string) => Buffer.from(s, 'base64');
const stateDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'audit-state-'));
  dirs.push(d);
  return d;
};

/** n moves over 5 tags, 5 at a time (one per tag, so none conflicts), then integrated. */
async function moves(repository: string, n: number): Promise<void> {
  for (let i = 0; i < n; i += 5) {
    const batch = Array.from({ length: Math.min(5, n - i) }, (_, j) => putTag(t.url, repository, `t${j}`, `${repository}-${i + j}-${Math.random()}`));
    for (const res of await Promise.all(batch)) expect(res.status).toBeLessThan(300);
  }
  await loop().integrateNow();
}

type Extra = { repository?: string; maxAge?: string };

async function audit(state: string, extra: Extra = {}): Promise<{ exit: number; output: string }> {
  const lines: string[] = [];
  const exit = await auditCommand({ server: t.url, key: [keyLines], state, ...extra }, (l) => lines.push(l));
  return { exit, output: lines.join('\n') };
}

async function checkpoint() {
  return openCheckpoint(await (await fetch(`${t.url}/v2/_log/checkpoint`)).text(), parsePinnedKeys([keyLines]));
}

describe('transparency log', () => {
  it('serves a signed, timestamped checkpoint and the keys to pin', async () => {
    await moves('tl/app', 12);
    const res = await fetch(`${t.url}/v2/_log/checkpoint`);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    const note = await res.text();
    expect(note).toMatch(
      /^localhost\/tag-history\n\d+\n[A-Za-z0-9+/]{43}=\n\n\u2014 localhost\/tag-history \S+\n\u2014 localhost\/tag-history\/timestamp \S+\n$/u,
    );
    const keys = keyLines.trim().split('\n');
    expect(keys[0]).toMatch(/^localhost\/tag-history\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$/);
    expect(keys[1]).toMatch(/^localhost\/tag-history\/timestamp\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$/);
    // The type byte: Ed25519 for checkpoints, cosignature/v1 for the timestamp.
    expect(keys.map((k) => b64(k.split('+')[2]!)[0])).toEqual([0x01, 0x04]);
    const opened = await checkpoint();
    const head = await t.infrastructure.db.selectFrom('log_head').select('position').executeTakeFirstOrThrow();
    expect(opened.size).toBe(Number(head.position));
    expect(Math.abs(opened.timestamp! - Date.now() / 1000)).toBeLessThan(5);
  });

  it('proves inclusion of each event and consistency between signed sizes; a rebuild from the log matches the tree', async () => {
    const first = await checkpoint();
    await moves('tl/app', 7);
    const second = await checkpoint();
    const events = await t.infrastructure.db.selectFrom('events').select(['position', 'jws']).orderBy('position').execute();
    for (const e of events.filter((e) => e.position <= second.size)) {
      const proof = (await (await fetch(`${t.url}/v2/_log/proof/inclusion?position=${e.position}`)).json()) as {
        leafIndex: number;
        treeSize: number;
        leafHash: string;
        hashes: string[];
      };
      expect(proof).toMatchObject({ position: e.position, leafIndex: e.position - 1, treeSize: second.size, leafHash: leafHash(e.jws).toString('base64') });
      verifyInclusion(proof.leafIndex, proof.treeSize, b64(proof.leafHash), proof.hashes.map(b64), second.root);
    }
    const c = (await (await fetch(`${t.url}/v2/_log/proof/consistency?from=${first.size}&to=${second.size}`)).json()) as { hashes: string[] };
    expect(c).toMatchObject({ from: first.size, to: second.size });
    verifyConsistency(first.size, second.size, first.root, second.root, c.hashes.map(b64));
    // A flipped bit, a wrong size, a leaf from another position: each refused.
    const p = (await (await fetch(`${t.url}/v2/_log/proof/inclusion?position=3&size=${second.size}`)).json()) as { leafHash: string; hashes: string[] };
    const flipped = p.hashes.map(b64);
    flipped[0][5] ^= 0x10;
    expect(() => verifyInclusion(2, second.size, b64(p.leafHash), flipped, second.root)).toThrow();
    expect(() => verifyInclusion(2, first.size, b64(p.leafHash), p.hashes.map(b64), second.root)).toThrow();
    expect(() => verifyInclusion(2, second.size, leafHash(events[3]!.jws), p.hashes.map(b64), second.root)).toThrow();

    const verify = (await (await fetch(`${t.url}/v2/_log/verify`)).json()) as { ok: boolean; tree: { problems: string[] } };
    expect(verify.tree).toEqual({ ok: true, size: second.size, root: second.root.toString('base64'), problems: [] });
    expect(verify.ok).toBe(true);
  });

  it('answers 400 PARAMETER_INVALID for sizes no checkpoint signed and positions outside them', async () => {
    const { size } = await checkpoint();
    for (const query of [
      `inclusion?position=1&size=${size + 1000}`,
      `inclusion?position=${size + 1}`,
      'inclusion?position=0',
      'inclusion',
      'inclusion?position=abc',
      `consistency?from=0&to=${size}`,
      `consistency?from=${size + 5}`,
      `consistency?from=2&to=${size + 1000}`,
    ]) {
      const res = await fetch(`${t.url}/v2/_log/proof/${query}`);
      expect([query, res.status]).toEqual([query, 400]);
      expect(((await res.json()) as { errors: { code: string }[] }).errors[0]!.code).toBe('PARAMETER_INVALID');
    }
  });

  it('serves tlog-tiles that an auditor checks against the signed root; full tiles are immutable', async () => {
    await moves('tl/bulk', 300);
    const cp = await checkpoint();
    const client = httpLogClient(t.url);
    const tiles = await TileVerifier.open(cp.size, cp.root, (l, i, w) => client.tile(l, i, w));
    const events = await t.infrastructure.db.selectFrom('events').select(['position', 'jws']).where('position', '<=', cp.size).execute();
    for (const e of events) await tiles.checkLeaf(e.position - 1, e.jws);
    const full = await fetch(`${t.url}/v2/_log/tile/0/000`);
    expect(full.status).toBe(200);
    expect(full.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await full.arrayBuffer()).byteLength).toBe(256 * 32);
    const entries = await fetch(`${t.url}/v2/_log/tile/entries/000`);
    expect(entries.status).toBe(200);
    expect((await fetch(`${t.url}/v2/_log/tile/0/999`)).status).toBe(404);
    expect((await fetch(`${t.url}/v2/_log/tile/0/1`)).status).toBe(404);
  });

  it('audit: exit 0 for a consistent log and every event of a repository included and signed', async () => {
    const state = stateDir();
    expect(await audit(state, { repository: 'tl/app', maxAge: 'PT1M' })).toMatchObject({ exit: 0 });
    await moves('tl/app', 5);
    const again = await audit(state, { repository: 'tl/app' });
    expect(again.output).toMatch(/ok: checkpoint \d+ .* ok, 24 events of tl\/app included and signed/);
    expect(again.exit).toBe(0);
  });

  it("audit and verify of one repository: a policy's violations, a stream across repositories, are checked one by one, not as a chain", async () => {
    // One policy's violations in tl/one, tl/two, tl/one: tl/two's slice of the log holds only version 2 of that stream.
    const store = t.app.get(EventStore);
    for (const repository of ['tl/one', 'tl/two', 'tl/one']) {
      const change = { change: 'move', type: 'TagMoved', stream: `${repository}:v1`, version: 2, position: 1, from: null, target: null } as const;
      await store.write(
        [
          {
            streamId: violationStreamId('spans'),
            decider: violationDecider,
            command: violationOf(
              { policy: { id: 'spans', version: 1, rule: 'immutable' }, code: 'TAG_IMMUTABLE', change: 'move' } as PolicyRefusal,
              repository,
              'v1',
              change,
            ),
          },
        ],
        { actor: 'registry', time: new Date() },
      );
    }
    await moves('tl/two', 5);
    expect(await audit(stateDir(), { repository: 'tl/two' })).toMatchObject({ exit: 0 });
    const verified = await (await fetch(`${t.url}/v2/_log/verify?repository=tl%2Ftwo`)).json();
    expect(verified).toMatchObject({ ok: true });
    // A slice still checks each of those events: one edited in the database is caught.
    await sql`update events set data = jsonb_set(data, '{tag}', '"v2"') where stream_id = ${violationStreamId('spans')} and version = 2`.execute(
      t.infrastructure.db,
    );
    expect((await audit(stateDir(), { repository: 'tl/two' })).exit).toBe(2);
    await sql`update events set data = jsonb_set(data, '{tag}', '"v1"') where stream_id = ${violationStreamId('spans')} and version = 2`.execute(
      t.infrastructure.db,
    );
  });

  it('history, tag-at-time and _resolve answers with ?proof=true carry the checkpoint and a proof for every event they show', async () => {
    // Not integrated yet: the answer integrates rather than show an event without its proof.
    await loop().stop();
    expect((await putTag(t.url, 'tl/proof', 'latest', 'p1')).status).toBeLessThan(300);
    expect((await putTag(t.url, 'tl/proof', 'latest', 'p2')).status).toBeLessThan(300);
    type Proved = { proof: { checkpoint: string; inclusion: { position: number; leafIndex: number; treeSize: number; leafHash: string; hashes: string[] }[] } };
    const check = (answer: Proved, positions: number[]) => {
      const cp = openCheckpoint(answer.proof.checkpoint, parsePinnedKeys([keyLines]));
      expect(answer.proof.inclusion.map((p) => p.position).sort()).toEqual([...positions].sort());
      for (const p of answer.proof.inclusion) {
        expect(p.treeSize).toBe(cp.size);
        verifyInclusion(p.leafIndex, p.treeSize, b64(p.leafHash), p.hashes.map(b64), cp.root);
      }
    };
    try {
      const history = (await (await fetch(`${t.url}/v2/tl/proof/_tags/latest/history?proof=true`)).json()) as Proved & {
        events: { position: number; jws: string }[];
      };
      expect(history.events).toHaveLength(2);
      check(
        history,
        history.events.map((e) => e.position),
      );
      for (const e of history.events) expect(history.proof.inclusion.find((p) => p.position === e.position)!.leafHash).toBe(leafHash(e.jws).toString('base64'));
      const at = (await (await fetch(`${t.url}/v2/tl/proof/_tags/latest?at=${new Date().toISOString()}&proof=true`)).json()) as Proved & { position: number };
      check(at, [at.position]);
      const resolved = (await (await fetch(`${t.url}/v2/_resolve?reference=tl/proof:latest&proof=true`)).json()) as Proved;
      check(resolved, [history.events[0]!.position]);
      const bad = await fetch(`${t.url}/v2/tl/proof/_tags/latest/history?proof=yes`);
      expect(bad.status).toBe(400);
    } finally {
      loop().start();
    }
  });

  it('accepts a witness cosignature over the checkpoint and serves it; refuses bad ones', async () => {
    const cp = await checkpoint();
    const line = cosignText(witness, cp.body, Math.floor(Date.now() / 1000));
    const post = (body: string) => fetch(`${t.url}/v2/_log/cosignatures`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body });
    expect((await post(`${cp.body}\n${line}\n`)).status).toBe(204);
    expect(await (await fetch(`${t.url}/v2/_log/checkpoint`)).text()).toContain(line);
    const stranger = parseSignerKey(generateSignerKey('stranger.example', COSIGNATURE_V1));
    expect((await post(`${cp.body}\n${cosignText(stranger, cp.body, 1)}\n`)).status).toBe(403);
    const wrongBody = formatCheckpoint({ origin: cp.origin, size: cp.size, root: Buffer.alloc(32) });
    expect((await post(`${cp.body}\n${cosignText(witness, wrongBody, 1)}\n`)).status).toBe(400);
    expect((await post('not a note')).status).toBe(400);
  });
});

describe('audit catches attacks', () => {
  it('an event row edited in the database: exit 2, and the verification finds it', async () => {
    const state = stateDir();
    await moves('tl/edited', 3);
    expect((await audit(state, { repository: 'tl/edited' })).exit).toBe(0);
    const victim = await t.infrastructure.db
      .selectFrom('events')
      .select(['position', 'jws'])
      .where('stream_id', 'like', '%tl/edited%')
      .orderBy('position')
      .limit(1)
      .executeTakeFirstOrThrow();
    const other = await t.infrastructure.db
      .selectFrom('events')
      .select('jws')
      .where('position', '=', victim.position + 1)
      .executeTakeFirstOrThrow();
    try {
      await t.infrastructure.db.updateTable('events').set({ jws: other.jws }).where('position', '=', victim.position).execute();
      const result = await audit(state, { repository: 'tl/edited' });
      expect(result.exit).toBe(2);
      const verify = (await (await fetch(`${t.url}/v2/_log/verify`)).json()) as { ok: boolean; tree: { problems: string[] } };
      expect(verify.ok).toBe(false);
      expect(verify.tree.problems.join()).toMatch(/differs|root/);
    } finally {
      await t.infrastructure.db.updateTable('events').set({ jws: victim.jws }).where('position', '=', victim.position).execute();
    }
  });

  it('the same key signing another tree of the same size (a fork): exit 3 with both checkpoints', async () => {
    const state = stateDir();
    await moves('tl/fork', 2);
    expect((await audit(state)).exit).toBe(0);
    const cp = await checkpoint();
    const keys = t.app.get<symbol, LogKeys>(LOG_KEYS);
    const forged = formatCheckpoint({ origin: cp.origin, size: cp.size, root: leafHash('another history') });
    const row = await t.infrastructure.db.selectFrom('log_checkpoints').select('note').where('size', '=', cp.size).executeTakeFirstOrThrow();
    await loop().stop();
    try {
      await t.infrastructure.db
        .updateTable('log_checkpoints')
        .set({ note: `${forged}\n${signText(keys.checkpoint, forged)}\n` })
        .where('size', '=', cp.size)
        .execute();
      const result = await audit(state);
      expect(result.exit).toBe(3);
      expect(result.output).toContain('fork: two different roots');
      expect(result.output).toContain(cp.body);
      expect(result.output).toContain(forged);
    } finally {
      await t.infrastructure.db.updateTable('log_checkpoints').set({ note: row.note }).where('size', '=', cp.size).execute();
      loop().start();
    }
  });

  it('the database restored from an older dump (a rollback): exit 3', async () => {
    const state = stateDir();
    const tables = [
      'events',
      'streams',
      'log_head',
      'tags',
      'tag_history',
      'repositories',
      'log_tree',
      'log_tiles',
      'log_checkpoints',
      'log_cosignatures',
    ] as const;
    await loop().stop();
    await moves('tl/rollback', 2);
    const dump = new Map<string, unknown[]>();
    for (const table of tables) dump.set(table, await t.infrastructure.db.selectFrom(table).selectAll().execute());
    expect((await audit(state)).exit).toBe(0);
    await moves('tl/rollback', 3);
    expect((await audit(state)).exit).toBe(0);
    await t.infrastructure.db.transaction().execute(async (tx) => {
      for (const table of tables) {
        await tx.deleteFrom(table).execute();
        const rows = dump.get(table)!;
        for (let i = 0; i < rows.length; i += 500)
          await tx
            .insertInto(table)
            .values(rows.slice(i, i + 500) as never)
            .execute();
      }
    });
    const result = await audit(state);
    expect(result.exit).toBe(3);
    expect(result.output).toMatch(/rollback: the log shrank/);
    loop().start();
  });

  it('the timestamp no longer refreshed (a freeze): exit 4 with --max-age', async () => {
    const state = stateDir();
    await loop().stop();
    await new Promise((r) => setTimeout(r, 2_100));
    const result = await audit(state, { maxAge: 'PT1S' });
    expect(result.exit).toBe(4);
    expect(result.output).toMatch(/timestamped \d+ s ago/);
    loop().start();
  });

  describe('through a server that tampers with its answers', () => {
    let proxy: Server;
    let proxyUrl: string;
    let tamper: (path: string, body: Buffer) => Buffer = (_p, b) => b;
    beforeAll(async () => {
      proxy = createServer(async (req, res) => {
        const upstream = await fetch(`${t.url}${req.url}`);
        const body = tamper(req.url!, Buffer.from(await upstream.arrayBuffer()));
        res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'text/plain' }).end(body);
      });
      await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
      proxyUrl = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
    });
    afterAll(() => new Promise<void>((r) => proxy.close(() => r())));

    const viaProxy = async (state: string, extra: Extra = {}) => {
      const lines: string[] = [];
      const exit = await auditCommand({ server: proxyUrl, key: [keyLines], state, ...extra }, (l) => lines.push(l));
      return { exit, output: lines.join('\n') };
    };

    it('a consistency proof with a flipped bit: exit 3', async () => {
      const state = stateDir();
      expect((await viaProxy(state)).exit).toBe(0);
      await moves('tl/proxy', 3);
      tamper = (path, body) => {
        if (!path.includes('/proof/consistency')) return body;
        const proof = JSON.parse(body.toString());
        const h = b64(proof.hashes[0]);
        h[0]! ^= 1;
        proof.hashes[0] = h.toString('base64');
        return Buffer.from(JSON.stringify(proof));
      };
      const result = await viaProxy(state);
      expect(result.exit).toBe(3);
      expect(result.output).toMatch(/no valid consistency proof/);
    });

    it('a tile with a flipped bit, or an event shown at another position: exit 2', async () => {
      tamper = (path, body) => {
        if (!path.startsWith('/v2/_log/tile/0/')) return body;
        const copy = Buffer.from(body);
        copy[7]! ^= 0x80;
        return copy;
      };
      expect((await viaProxy(stateDir(), { repository: 'tl/app' })).exit).toBe(2);
      tamper = (path, body) => {
        if (!path.startsWith('/v2/_events')) return body;
        const page = JSON.parse(body.toString());
        if (page.events.length > 1) page.events[0].position = page.events[1].position;
        return Buffer.from(JSON.stringify(page));
      };
      expect((await viaProxy(stateDir(), { repository: 'tl/app' })).exit).toBe(2);
      tamper = (_p, b) => b;
    });

    it('a checkpoint not signed by the pinned key: exit 2', async () => {
      const impostor = parseSignerKey(generateSignerKey('localhost/tag-history'));
      tamper = (path, body) => {
        if (path !== '/v2/_log/checkpoint') return body;
        const text = body.toString().split('\n\n')[0] + '\n';
        return Buffer.from(`${text}\n${signText(impostor, text)}\n`);
      };
      expect((await viaProxy(stateDir())).exit).toBe(2);
      tamper = (_p, b) => b;
    });
  });
});
