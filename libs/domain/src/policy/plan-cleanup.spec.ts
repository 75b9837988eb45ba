import type { Policy } from './policy';
import { type CleanupCandidate, planCleanup } from './plan-cleanup';

const now = new Date('2026-06-10T00:00:00Z');
const day = 86_400_000;
const tag = (repository: string, tagName: string, ageDays: number, extra: Partial<CleanupCandidate> = {}): CleanupCandidate => ({
  repository,
  tag: tagName,
  version: 3,
  position: 1_000 - ageDays,
  updatedAt: new Date(now.getTime() - ageDays * day),
  expiresAt: null,
  ...extra,
});
const expire: Policy = { id: 'pr', version: 2, repositories: '**', tags: 'pr-*', rule: 'expire', after: 'P7D' };
const retain: Policy = { id: 'nightly', version: 1, repositories: '**', tags: 'nightly-*', rule: 'retain', keep: 2, sort: 'pushed' };
const immutable: Policy = { id: 'frozen', version: 1, repositories: 'team/frozen', tags: '*', rule: 'immutable' };
const planned = (policies: Policy[], tags: CleanupCandidate[]) =>
  planCleanup(policies, tags, now).map((p) => `${p.repository}:${p.tag}@${p.version} ${'id' in p.cause ? p.cause.id : p.cause.rule}`);

describe('cleanup plan', () => {
  it('expires tags last moved at least `after` ago', () => {
    expect(planned([expire], [tag('team/app', 'pr-1', 8), tag('team/app', 'pr-2', 7), tag('team/app', 'pr-3', 6.9), tag('team/app', 'main', 30)])).toEqual([
      'team/app:pr-1@3 pr',
      'team/app:pr-2@3 pr',
    ]);
  });
  it('keeps the N most recently moved per repository', () => {
    const tags = ['a', 'b'].flatMap((r) => [1, 2, 3, 4].map((age) => tag(`team/${r}`, `nightly-${age}`, age)));
    expect(planned([retain], tags)).toEqual([
      'team/a:nightly-3@3 nightly',
      'team/a:nightly-4@3 nightly',
      'team/b:nightly-3@3 nightly',
      'team/b:nightly-4@3 nightly',
    ]);
  });
  it('orders tags moved at the same time by log position', () => {
    const same = (t: string, position: number) => tag('team/app', t, 1, { position });
    expect(planned([retain], [same('nightly-x', 5), same('nightly-y', 7), same('nightly-z', 6)])).toEqual(['team/app:nightly-x@3 nightly']);
  });
  it('deletes a tag at its own expiresAt, whatever the policies', () => {
    const at = new Date(now.getTime() - 1);
    expect(
      planCleanup([], [tag('team/app', 'tmp', 0, { expiresAt: at }), tag('team/app', 'later', 0, { expiresAt: new Date(now.getTime() + 1) })], now),
    ).toEqual([{ repository: 'team/app', tag: 'tmp', version: 3, updatedAt: now, cause: { rule: 'expiresAt', expiresAt: at.toISOString() } }]);
  });
  it('never plans a tag an immutable policy governs', () => {
    expect(planned([expire, immutable], [tag('team/frozen', 'pr-1', 30), tag('team/app', 'pr-1', 30)])).toEqual(['team/app:pr-1@3 pr']);
  });
  it('plans each tag once, carrying the version it saw', () => {
    const both: Policy = { ...retain, id: 'a-keep', tags: 'pr-*', keep: 1 };
    expect(planned([expire, both], [tag('team/app', 'pr-1', 30, { version: 9 }), tag('team/app', 'pr-2', 40)])).toEqual([
      'team/app:pr-1@9 pr',
      'team/app:pr-2@3 a-keep',
    ]);
  });
});

describe('cleanup plan over many tags', () => {
  // Grouping by copying each repository's list for every tag took time quadratic in the tags of one repository.
  it('plans a repository of 100,001 tags in one pass', () => {
    const tags = Array.from({ length: 100_001 }, (_, i) => tag('team/ci', `nightly-${i}`, i / 100_000));
    expect(planned([{ ...retain, keep: 100_000 }], tags)).toEqual(['team/ci:nightly-100000@3 nightly']);
  });
});
