import { CoalescedTagLookups } from '../../apps/api/src/queries';
import { digest, putTag } from '../support/fixtures';
import { startTestApp, type TestApp } from '../support/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  for (let i = 0; i < 20; i++) await putTag(t.url, 'coalesce/app', `t${i}`, `seed${i}`);
});
afterAll(() => t.close());

describe('coalesced current-tag lookups', () => {
  it('answers each of many concurrent lookups with its own tag, or undefined', async () => {
    const lookups = new CoalescedTagLookups(t.infrastructure.db, { maxInFlight: 2, maxBatch: 7 });
    const keys = Array.from({ length: 300 }, (_, i) => `t${i % 25}`);
    const views = await Promise.all(keys.map((tag) => lookups.get('coalesce/app', tag)));
    views.forEach((view, i) => {
      const n = i % 25;
      if (n >= 20) expect(view).toBeUndefined();
      else expect(view).toMatchObject({ name: 'coalesce/app', tag: `t${n}`, target: { digest: digest(`seed${n}`) } });
    });
  });

  it('reads its own writes while other lookups keep the queries busy', async () => {
    let running = true;
    const background = Promise.all(
      Array.from({ length: 8 }, async () => {
        while (running) await fetch(`${t.url}/v2/coalesce/app/_tags/t${Math.floor(Math.random() * 20)}`).then((r) => r.text());
      }),
    );
    try {
      for (let i = 0; i < 20; i++) {
        expect((await putTag(t.url, 'coalesce/app', 't0', `move${i}`)).status).toBe(200);
        const read = await fetch(`${t.url}/v2/coalesce/app/_tags/t0`);
        expect(((await read.json()) as { target: { digest: string } }).target.digest).toBe(digest(`move${i}`));
      }
    } finally {
      running = false;
      await background;
    }
  });
});
