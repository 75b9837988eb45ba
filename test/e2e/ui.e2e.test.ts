import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandBus } from '@nestjs/cqrs';
import { sql } from 'kysely';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { TokenVerifier } from '../../apps/api/src/auth/token-verifier';
import { TrustPolicy } from '../../apps/api/src/auth/trust-policy';
import { demoDigest, seedDemo } from '../../apps/api/src/demo/seed-demo';
import { digest, putTag } from '../support/fixtures';
import { startTestApp, type TestApp } from '../support/test-app';
import { catalog, createTokenIssuer, pull } from '../support/token-issuer';

// These callbacks run in the page; the root tsconfig has no DOM library (it is Node code), so they see the page this loosely.
type PageElement = {
  dataset: Record<string, string | undefined>;
  textContent: string | null;
  getAttribute(name: string): string | null;
  querySelector(selector: string): PageElement | null;
  classList: { contains(name: string): boolean };
};
declare const document: {
  activeElement: PageElement | null;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): { length: number };
};
declare const location: { hash: string };
declare const sessionStorage: { getItem(key: string): string | null; setItem(key: string, value: string): void };
declare const window: Record<string, unknown>;

// Debian's chromium from apt (.ci/run installs it), never a downloaded browser.
const CHROMIUM = '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const ARTIFACTS = join(__dirname, '../../test-artifacts/ui');
const ROOT = join(__dirname, '../..');

function chromiumRuns(): boolean {
  if (!existsSync(CHROMIUM)) return false;
  const profile = mkdtempSync(join(tmpdir(), 'tag-history-chromium-probe-'));
  try {
    return spawnSync(CHROMIUM, [...FLAGS, `--user-data-dir=${profile}`, '--dump-dom', 'about:blank'], { timeout: 60_000, stdio: 'ignore' }).status === 0;
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

const runs = chromiumRuns();
if (!runs) console.warn(`ui.e2e: skipped, ${CHROMIUM} cannot run here (apt-get install -y chromium)`);
const describeInBrowser = runs ? describe : describe.skip;

/** The page exactly as `npm run build` makes it, into a folder of this test's own. */
function buildUi(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tag-history-ui-'));
  execFileSync(process.execPath, [join(ROOT, 'apps/ui/build.mjs'), dir]);
  return dir;
}

async function launch(): Promise<{ context: BrowserContext; page: Page; profile: string }> {
  const profile = mkdtempSync(join(tmpdir(), 'tag-history-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1280, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(20_000);
  return { context, page, profile };
}

async function getJson<T>(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: T }> {
  const response = await fetch(url, { headers });
  return { status: response.status, body: (await response.json()) as T };
}

describeInBrowser('the audit page in a real browser (chromium)', () => {
  let t: TestApp;
  let browser: Awaited<ReturnType<typeof launch>>;
  let page: Page;
  let uiDir: string;
  let fixed: Date | null = null;
  const errors: string[] = [];

  /** A fresh document per page, then wait until the route has rendered. */
  const open = async (hash: string, width = 1280) => {
    await page.setViewportSize({ width, height: 900 });
    await page.goto('about:blank');
    await page.goto(`${t.url}/ui/${hash}`);
    await page.waitForSelector('main[data-ready="true"]');
  };
  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  const positionOf = async (tag: string, version: number) => {
    const { body } = await getJson<{ events: { version: number; position: number }[] }>(`${t.url}/v2/team/app/_tags/${tag}/history`);
    return body.events.find((e) => e.version === version)!.position;
  };

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    uiDir = buildUi();
    t = await startTestApp({ clock: () => fixed ?? new Date(), uiDir });
    await seedDemo(t.app.get(CommandBus), { set: (time) => (fixed = time) }, new Date());
    fixed = null;
    browser = await launch();
    page = browser.page;
    page.on('pageerror', (e) => errors.push(e.message));
    // A 404 is an answer here (a tag that did not exist at the cursor's time), not an error of the page.
    page.on('console', (m) => void (m.type() === 'error' && !m.text().includes('status of 404') && errors.push(m.text())));
  }, 120_000);

  afterAll(async () => {
    await browser?.context.close();
    rmSync(browser?.profile ?? '', { recursive: true, force: true });
    rmSync(uiDir ?? '', { recursive: true, force: true });
    await t?.close();
  });

  afterEach(() => {
    // No script error and no CSP violation: everything the page loads comes from this service.
    expect(errors).toEqual([]);
  });

  it('is served from /ui/ with a CSP that allows this origin only', async () => {
    const redirect = await fetch(`${t.url}/ui`, { redirect: 'manual' });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('/ui/');
    const index = await fetch(`${t.url}/ui/`);
    expect(index.headers.get('content-type')).toMatch(/^text\/html/);
    expect(index.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await index.text()).not.toMatch(/https?:\/\//);
    expect((await fetch(`${t.url}/ui/..%2Fpackage.json`)).status).toBe(404);
  });

  it('lists the repositories with their tag counts, and searches them', async () => {
    await open('');
    const rows = await page.$$eval('#repositories tr[data-repository]', (trs) =>
      trs.map((tr) => ({ name: (tr as unknown as PageElement).dataset.repository!, tags: Number(tr.querySelector('[data-tags]')!.textContent) })),
    );
    expect(rows.map((r) => r.name)).toEqual(['library/nginx', 'platform/api-gateway', 'team/app']);
    for (const r of rows) {
      const { body } = await getJson<{ tags: string[] }>(`${t.url}/v2/${r.name}/tags/list`);
      expect(r.tags).toBe(body.tags.length);
    }
    await shot('repositories');
    await page.getByLabel('Search repositories').fill('nginx');
    await page.waitForFunction(() => document.querySelectorAll('#repositories tr[data-repository]').length === 1);
    expect(await page.$eval('#repositories tr[data-repository]', (tr) => (tr as unknown as PageElement).dataset.repository)).toBe('library/nginx');
  });

  it('draws one lane per tag, a segment per target in the digest colour, and a marker per change', async () => {
    await open('#/r/team%2Fapp');
    const tags = (await getJson<{ tags: string[] }>(`${t.url}/v2/team/app/tags/list`)).body.tags;
    const lanes = await page.$$eval('svg.timeline .lane', (gs) => gs.map((g) => (g as unknown as PageElement).dataset.tag));
    expect(lanes).toEqual(tags);

    const segments = await page.$$eval('svg.timeline .segment', (rs) =>
      rs.map((r) => ({
        tag: (r as unknown as PageElement).dataset.tag!,
        digest: (r as unknown as PageElement).dataset.digest!,
        open: (r as unknown as PageElement).dataset.to === '',
        fill: r.getAttribute('fill')!,
      })),
    );
    const fills = new Map<string, Set<string>>();
    for (const s of segments) fills.set(s.digest, (fills.get(s.digest) ?? new Set()).add(s.fill));
    for (const set of fills.values()) expect(set.size).toBe(1);
    // The 1.4 release is one digest under four tags: the same colour in four lanes.
    const release = segments.filter((s) => s.digest === demoDigest('app-1.4'));
    expect(new Set(release.map((s) => s.tag))).toEqual(new Set(['latest', 'prod', 'stable', 'v1.4']));
    for (const tag of tags) {
      const now = (await getJson<{ target: { digest: string } }>(`${t.url}/v2/team/app/_tags/${tag}`)).body.target.digest;
      expect(segments.filter((s) => s.tag === tag && s.open).map((s) => s.digest)).toEqual([now]);
    }

    const markers = await page.$$eval('svg.timeline .marker', (ms) =>
      ms.map((m) => ({
        tag: (m as unknown as PageElement).dataset.tag!,
        type: (m as unknown as PageElement).dataset.type!,
        position: Number((m as unknown as PageElement).dataset.position),
      })),
    );
    const events = (
      await Promise.all(
        tags.map(async (tag) =>
          (await getJson<{ events: { position: number; type: string }[] }>(`${t.url}/v2/team/app/_tags/${tag}/history`)).body.events.map((e) => ({
            tag,
            ...e,
          })),
        ),
      )
    ).flat();
    expect(markers.map((m) => m.position).sort((a, b) => a - b)).toEqual(events.map((e) => e.position).sort((a, b) => a - b));
    for (const m of markers) expect(m.type).toBe(events.find((e) => e.position === m.position)!.type);
    expect(markers.filter((m) => m.type === 'TagDeleted').map((m) => m.tag)).toEqual(['v1.3']);
    expect(markers.filter((m) => m.type === 'TagRestored').map((m) => m.tag)).toEqual(['v1.3']);
    await shot('repository');
    await open('#/r/team%2Fapp', 390);
    await shot('repository-390');
  });

  it('moves the time cursor and shows what the point-in-time API answers for every tag', async () => {
    await open('#/r/team%2Fapp');
    const check = async () => {
      const at = await page.$eval('#cursor-targets', (table) => (table as unknown as PageElement).dataset.at!);
      const shown = await page.$$eval('#cursor-targets tr[data-tag]', (trs) =>
        trs.map((tr) => [(tr as unknown as PageElement).dataset.tag!, (tr as unknown as PageElement).dataset.digest!]),
      );
      expect(shown.length).toBe(8);
      for (const [tag, shownDigest] of shown) {
        const answer = await getJson<{ target: { digest: string } }>(`${t.url}/v2/team/app/_tags/${tag}?at=${encodeURIComponent(at)}`);
        expect(shownDigest).toBe(answer.status === 404 ? '' : answer.body.target.digest);
      }
      return shown;
    };
    // The cursor starts at the end of the window; its targets come once the API has answered.
    await page.waitForSelector('#cursor-targets');
    const before = await page.$eval('#cursor-targets', (table) => (table as unknown as PageElement).dataset.at!);
    await page.getByLabel('Time cursor').fill('500');
    await page.waitForFunction((old) => document.querySelector('#cursor-targets')?.dataset.at !== old, before);
    const middle = await check();
    // Half way through the demo's six weeks, some releases exist and later ones do not yet.
    expect(middle.some(([, d]) => d === '')).toBe(true);
    expect(middle.some(([, d]) => d !== '')).toBe(true);

    // The keyboard moves it too.
    const mid = await page.$eval('#cursor-targets', (table) => (table as unknown as PageElement).dataset.at!);
    await page.getByLabel('Time cursor').focus();
    for (let i = 0; i < 20; i++) await page.keyboard.press('ArrowRight');
    await page.waitForFunction((old) => document.querySelector('#cursor-targets')?.dataset.at !== old, mid);
    await page.waitForTimeout(300);
    await check();
    const x = Number(await page.$eval('svg.timeline .cursor', (l) => l.getAttribute('x1')));
    expect(x).toBeGreaterThan(120);
  });

  it('shows a marker tooltip on keyboard focus, and Enter opens the event verified', async () => {
    await open('#/r/team%2Fapp');
    await page.getByRole('button', { name: 'Everything' }).focus();
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement as unknown as PageElement;
      return {
        marker: el.classList.contains('marker'),
        tag: el.dataset.tag,
        actor: el.dataset.actor,
        position: el.dataset.position,
        label: el.getAttribute('aria-label'),
      };
    });
    expect(focused.marker).toBe(true);
    expect(await page.isVisible('#tooltip')).toBe(true);
    const tooltip = await page.textContent('#tooltip');
    expect(tooltip).toContain(focused.tag);
    expect(tooltip).toContain(`by ${focused.actor}`);
    expect(focused.label).toContain(`by ${focused.actor}`);
    await shot('tooltip');
    await page.keyboard.press('Enter');
    await page.waitForFunction((p) => location.hash === `#/e/${p}` && document.querySelector('main')?.dataset.ready === 'true', focused.position);
    expect(await page.getAttribute('#badge', 'data-verified')).toBe('true');
  });

  it('shows a tag history table with restores, aliases and links to each event', async () => {
    await open('#/t/team%2Fapp/v1.3');
    const rows = await page.$$eval('#history-table tbody tr', (trs) =>
      trs.map((tr) => ({
        version: Number((tr as unknown as PageElement).dataset.version),
        type: (tr as unknown as PageElement).dataset.type,
        text: tr.textContent,
      })),
    );
    const { body } = await getJson<{ events: { version: number; type: string }[] }>(`${t.url}/v2/team/app/_tags/v1.3/history`);
    expect(rows.map((r) => [r.version, r.type])).toEqual(body.events.map((e) => [e.version, e.type]));
    expect(rows.map((r) => r.type)).toEqual(['TagRestored', 'TagDeleted', 'TagCreated']);
    expect(rows[0]!.text).toContain('restores version 1');
    expect(rows[0]!.text).toContain('carol');
    await shot('tag');

    await open('#/t/team%2Fapp/latest');
    const aliases = (await getJson<{ aliases: string[] }>(`${t.url}/v2/team/app/_tags/latest/aliases`)).body.aliases;
    expect(aliases).toEqual(['prod', 'stable', 'v1.4']);
    expect(await page.$$eval('#aliases a', (as) => as.map((a) => a.textContent))).toEqual(aliases);
  });

  it('shows every tag that ever pointed at a digest, with its intervals', async () => {
    const d = demoDigest('app-1.2');
    await open(`#/d/team%2Fapp/${encodeURIComponent(d)}`);
    const rows = await page.$$eval('#digest-table tbody tr', (trs) =>
      trs.map((tr) => [(tr as unknown as PageElement).dataset.tag, (tr as unknown as PageElement).dataset.open]),
    );
    const { body } = await getJson<{ tags: { tag: string; intervals: { to: unknown }[] }[] }>(`${t.url}/v2/team/app/_digests/${d}/tags?history=true`);
    expect(rows).toEqual(body.tags.flatMap((x) => x.intervals.map((i) => [x.tag, i.to ? 'false' : 'true'])));
    // stable went to 1.2 twice (the release and the rollback).
    expect(rows.filter(([tag]) => tag === 'stable')).toHaveLength(2);
    await shot('digest');
  });

  it('verifies an event in the browser, and shows a tampered one as not verified', async () => {
    const position = await positionOf('stable', 3);
    await open(`#/e/${position}`);
    expect(await page.getAttribute('#badge', 'data-verified')).toBe('true');
    const checks = await page.$$eval('#checks li', (lis) =>
      lis.map((li) => [(li as unknown as PageElement).dataset.check, (li as unknown as PageElement).dataset.ok]),
    );
    expect(checks).toEqual([
      ['Signature', 'true'],
      ['Row matches the signed payload', 'true'],
      ['Event hash', 'true'],
      ['Hash chain link', 'true'],
      ['Transparency log inclusion', 'null'],
    ]);
    await shot('event-verified');

    // The row says another target than the one signed.
    await sql`update events set data = jsonb_set(data, '{target,digest}', to_jsonb(${digest('evil')}::text)) where position = ${position}`.execute(
      t.infrastructure.db,
    );
    await open(`#/e/${position}`);
    expect(await page.getAttribute('#badge', 'data-verified')).toBe('false');
    expect(await page.getAttribute('#checks li[data-check="Signature"]', 'data-ok')).toBe('true');
    expect(await page.getAttribute('#checks li[data-check="Row matches the signed payload"]', 'data-ok')).toBe('false');
    await shot('event-tampered');

    // One changed byte of a signature: that event fails its signature, and the next one its chain link.
    const earlier = await positionOf('prod', 2);
    // (Not the last character: it carries padding bits, and changing only those leaves the same signature bytes.)
    await sql`
      update events set jws = overlay(jws placing (case when substr(jws, length(jws) - 10, 1) = 'A' then 'B' else 'A' end) from length(jws) - 10 for 1)
      where position = ${earlier}`.execute(t.infrastructure.db);
    await open(`#/e/${earlier}`);
    expect(await page.getAttribute('#badge', 'data-verified')).toBe('false');
    expect(await page.getAttribute('#checks li[data-check="Signature"]', 'data-ok')).toBe('false');
    await open(`#/e/${await positionOf('prod', 3)}`);
    expect(await page.getAttribute('#badge', 'data-verified')).toBe('false');
    expect(await page.getAttribute('#checks li[data-check="Hash chain link"]', 'data-ok')).toBe('false');
  });

  it('shows a new move live, without a reload', async () => {
    await open('#/r/team%2Fapp');
    await page.evaluate(() => (window.marked = true));
    const response = await putTag(t.url, 'team/app', 'latest', 'live-move');
    expect(response.status).toBe(200);
    const position = ((await response.json()) as { events: { position: number }[] }).events[0]!.position;
    await page.waitForSelector(`svg.timeline .marker[data-position="${position}"]`);
    expect(await page.evaluate(() => window.marked)).toBe(true);
    expect(await page.getAttribute(`.segment[data-tag="latest"][data-to=""]`, 'data-digest')).toBe(digest('live-move'));
  });
});

describeInBrowser('the audit page with authentication on', () => {
  let t: TestApp;
  let browser: Awaited<ReturnType<typeof launch>>;
  let uiDir: string;

  beforeAll(async () => {
    uiDir = buildUi();
    const issuer = await createTokenIssuer();
    t = await startTestApp({ access: { tokens: TokenVerifier.open(issuer.config), trust: TrustPolicy.empty }, uiDir });
    browser = await launch();
    (t as TestApp & { tokens?: string[] }).tokens = [await issuer.mint([catalog, pull('team/app')]), await issuer.mint([pull('team/app')])];
  }, 120_000);

  afterAll(async () => {
    await browser?.context.close();
    rmSync(browser?.profile ?? '', { recursive: true, force: true });
    rmSync(uiDir ?? '', { recursive: true, force: true });
    await t?.close();
  });

  it('asks for a bearer token once, sends it, and says so clearly on 403', async () => {
    const [full, narrow] = (t as TestApp & { tokens: string[] }).tokens;
    const page = browser.page;
    await page.goto(`${t.url}/ui/`);
    await page.waitForSelector('main[data-ready="true"]');
    expect(await page.textContent('main')).toContain('needs a bearer token');
    await page.getByLabel('Bearer token').fill(full!);
    await page.getByRole('button', { name: 'Use token' }).click();
    await page.waitForSelector('#repositories');
    expect(await page.evaluate(() => sessionStorage.getItem('tag-history.token'))).toBe(full);
    // The token stays for the tab: a new page load does not ask again.
    await page.reload();
    await page.waitForSelector('#repositories');

    await page.evaluate((token) => sessionStorage.setItem('tag-history.token', token), narrow!);
    await page.reload();
    await page.waitForSelector('main[data-ready="true"]');
    expect(await page.textContent('h1')).toBe('Access denied');
    expect(await page.textContent('[role="alert"]')).toContain('registry:catalog:*');
  });
});
