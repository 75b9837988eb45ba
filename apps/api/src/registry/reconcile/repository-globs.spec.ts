import { literalRepositories, repositoryMatcher } from './repository-globs';

describe('REGISTRY_REPOSITORIES globs', () => {
  const matches = repositoryMatcher(['team/*', 'prod/**', 'lib?', 'exact/name']);
  it.each([
    ['team/app', true],
    ['team/app/sub', false],
    ['prod/a/b/c', true],
    ['libx', true],
    ['libxy', false],
    ['exact/name', true],
    ['exact/names', false],
    ['other', false],
  ])('%s matches: %s', (name, expected) => expect(matches(name)).toBe(expected));
  it('matches everything when unset', () => expect(repositoryMatcher(undefined)('any/thing')).toBe(true));
  it('treats regex characters literally', () => expect(repositoryMatcher(['a.b'])('axb')).toBe(false));
  it('walks names without wildcards even when the catalog omits them', () => expect(literalRepositories(['team/*', 'exact/name'])).toEqual(['exact/name']));
});
