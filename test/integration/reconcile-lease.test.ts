import { ReconcileLease, RECONCILE_LEASE_MS } from '../../apps/api/src/registry/reconcile/reconcile-lease';
import { createTestInfrastructure, type TestInfrastructure } from '../support/test-infrastructure';

let infrastructure: TestInfrastructure;
let now = Date.parse('2026-01-01T00:00:00Z');
beforeAll(async () => {
  infrastructure = await createTestInfrastructure();
});
afterAll(() => infrastructure.close());

describe('the reconcile lease: one reconcile per registry across instances', () => {
  it('is held by one holder at a time, per registry, until released or expired', async () => {
    const lease = new ReconcileLease(infrastructure.db, () => new Date(now));
    const results = await Promise.all(['a', 'b', 'c', 'd'].map((holder) => lease.acquire('r1:5000', holder)));
    expect(results.filter(Boolean)).toHaveLength(1);
    const holder = ['a', 'b', 'c', 'd'][results.indexOf(true)]!;
    expect(await lease.acquire('r2:5000', 'e')).toBe(true);
    await lease.release('r1:5000', 'not-the-holder');
    expect(await lease.acquire('r1:5000', 'x')).toBe(false);
    await lease.release('r1:5000', holder);
    expect(await lease.acquire('r1:5000', 'x')).toBe(true);
    // A holder that died: its lease runs out; one renewed in time does not.
    now += RECONCILE_LEASE_MS - 1;
    await lease.renew('r1:5000', 'x');
    now += RECONCILE_LEASE_MS - 1;
    expect(await lease.acquire('r1:5000', 'y')).toBe(false);
    now += 2;
    expect(await lease.acquire('r1:5000', 'y')).toBe(true);
  });
});
