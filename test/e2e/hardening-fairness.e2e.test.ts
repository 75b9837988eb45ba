import { TokenVerifier } from '../../apps/api/src/auth/token-verifier';
import { TrustPolicy } from '../../apps/api/src/auth/trust-policy';
import { putTag, target } from '../support/fixtures';
import { startTestApp, type TestApp } from '../support/test-app';
import { createTokenIssuer, push } from '../support/token-issuer';

// Issue 18, finding 7: one token's 1,000-operation batches slow its own work, not another repository's writes.
jest.setTimeout(240_000);

let t: TestApp;
let alice: string;
let bob: string;
beforeAll(async () => {
  const issuer = await createTokenIssuer();
  t = await startTestApp({ access: { tokens: TokenVerifier.open(issuer.config), trust: TrustPolicy.empty } });
  alice = await issuer.mint([push('fair/alice')], {}, 'alice');
  bob = await issuer.mint([push('fair/bob')], {}, 'bob');
});
afterAll(() => t.close());

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Bob moves one tag `count` times, one write after the other; the latency of each. */
async function bobWrites(count: number, round: string): Promise<{ statuses: number[]; ms: number[] }> {
  const statuses: number[] = [];
  const ms: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const res = await putTag(t.url, 'fair/bob', 'latest', `${round}-${i}`, { authorization: `Bearer ${bob}` });
    ms.push(performance.now() - started);
    statuses.push(res.status);
    await res.arrayBuffer();
  }
  return { statuses, ms };
}

/** Alice sends 1,000-operation batches from `loops` clients until `stop` resolves. */
async function aliceBatches(loops: number, stop: Promise<unknown>): Promise<number[]> {
  let done = false;
  void stop.then(() => (done = true));
  const statuses: number[] = [];
  let batch = 0;
  await Promise.all(
    Array.from({ length: loops }, async () => {
      while (!done) {
        const b = batch++;
        const operations = Array.from({ length: 1_000 }, (_, i) => ({ op: 'create', name: 'fair/alice', tag: `b${b}-${i}`, target: target(`a${b}-${i}`) }));
        const res = await fetch(`${t.url}/v2/_batch`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${alice}` },
          body: JSON.stringify({ operations }),
        });
        statuses.push(res.status);
        await res.arrayBuffer();
      }
    }),
  );
  return statuses;
}

describe('finding 7: fairness between principals', () => {
  it("keeps another repository's write latency within 2x of its p50 while one token loops 1,000-operation batches", async () => {
    await bobWrites(10, 'warm');
    const before = await bobWrites(30, 'base1');
    const attacked = bobWrites(30, 'attack');
    const [during, batches] = await Promise.all([attacked, aliceBatches(2, attacked)]);
    const after = await bobWrites(30, 'base2');

    const all = [...before.statuses, ...during.statuses, ...after.statuses];
    expect(all.every((s) => s === 200 || s === 201)).toBe(true);
    expect(batches.length).toBeGreaterThan(0);
    expect(batches.every((s) => s === 200)).toBe(true);
    const baseline = median([...before.ms, ...after.ms]);
    const underAttack = median(during.ms);
    console.log(`bob p50 ${baseline.toFixed(1)} ms alone, ${underAttack.toFixed(1)} ms during ${batches.length} batches of alice`);
    expect(underAttack / baseline).toBeLessThanOrEqual(2);
  });

  it('answers 429 to a token with more batches running or waiting than its limit', async () => {
    const operations = (b: number) =>
      Array.from({ length: 1_000 }, (_, i) => ({ op: 'create', name: 'fair/alice', tag: `q${b}-${i}`, target: target(`q${b}-${i}`) }));
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, b) =>
        fetch(`${t.url}/v2/_batch`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${alice}` },
          body: JSON.stringify({ operations: operations(b) }),
        }),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(1);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(8 - 4);
    const refused = responses.find((r) => r.status === 429)!;
    expect(await refused.json()).toMatchObject({ errors: [{ code: 'TOO_MANY_REQUESTS' }] });
  });
});
