import { matchesPolicyGlob } from './policy-glob';

describe('matchesPolicyGlob', () => {
  it('reads `*` and `?` within a component and `**` across components', () => {
    expect(matchesPolicyGlob('repositories', '**', 'a/b/c')).toBe(true);
    expect(matchesPolicyGlob('repositories', 'team/**/app', 'team/x/y/app')).toBe(true);
    expect(matchesPolicyGlob('repositories', 'team/**/app', 'team/app')).toBe(false);
    expect(matchesPolicyGlob('repositories', 't?am/*', 'team/a/b')).toBe(false);
    expect(matchesPolicyGlob('repositories', 't?am/*', 't/am/a')).toBe(false);
    expect(matchesPolicyGlob('repositories', 'te**', 'team/a/b')).toBe(true);
    expect(matchesPolicyGlob('tags', '*-rc?', 'v1.2-rc1')).toBe(true);
    expect(matchesPolicyGlob('tags', '*-rc?', 'v1.2-rc10')).toBe(false);
    expect(matchesPolicyGlob('tags', 'v1.*', 'v1x2')).toBe(false);
    expect(matchesPolicyGlob('tags', '', '')).toBe(true);
  });

  // A glob made into a backtracking regular expression takes time exponential in its stars on a near miss:
  // every tag write (and GET /v2/_policies?tag=) under such a policy would freeze the instance.
  it('answers a near miss of a glob of many stars at the maximum lengths', () => {
    const tagGlob = `${'*a'.repeat(63)}*b`;
    expect(tagGlob).toHaveLength(128);
    expect(matchesPolicyGlob('tags', tagGlob, 'a'.repeat(128))).toBe(false);
    expect(matchesPolicyGlob('tags', tagGlob, `${'a'.repeat(127)}b`)).toBe(true);
    const repositoryGlob = `${'*a'.repeat(127)}*`;
    expect(matchesPolicyGlob('repositories', repositoryGlob, 'a'.repeat(126))).toBe(false);
    expect(matchesPolicyGlob('repositories', `**${'a**'.repeat(84)}b`, 'a'.repeat(255))).toBe(false);
  });
});
