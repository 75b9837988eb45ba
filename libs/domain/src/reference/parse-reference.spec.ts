import { TagHistoryError } from '../errors/tag-history-error';
import { parseReference } from './parse-reference';

const sha256 = `sha256:${'a'.repeat(64)}`;
const sha512 = `sha512:${'b'.repeat(128)}`;

describe('parseReference', () => {
  it.each([
    ['ubuntu', { path: 'ubuntu', name: 'ubuntu' }],
    ['library/ubuntu:22.04', { path: 'library/ubuntu', tag: '22.04' }],
    ['docker.io/library/ubuntu:latest', { domain: 'docker.io', path: 'library/ubuntu', tag: 'latest' }],
    ['localhost/app', { domain: 'localhost', path: 'app' }],
    ['localhost:5000/team/app:v1', { domain: 'localhost:5000', path: 'team/app', tag: 'v1' }],
    ['[::1]:5000/app:v1', { domain: '[::1]:5000', path: 'app', tag: 'v1' }],
    ['[2001:db8::1]/app', { domain: '[2001:db8::1]', path: 'app' }],
    [`app@${sha256}`, { path: 'app', digest: sha256 }],
    [`app:v1@${sha512}`, { path: 'app', tag: 'v1', digest: sha512 }],
    ['a/b/c/d:_under', { path: 'a/b/c/d', tag: '_under' }],
    ['foo/bar', { path: 'foo/bar' }],
    ['my-app__x/y.z---w', { path: 'my-app__x/y.z---w' }],
    [`a:${'t'.repeat(128)}`, { path: 'a', tag: 't'.repeat(128) }],
  ])('parses %s', (input, parts) => {
    expect(parseReference(input)).toMatchObject(parts);
  });

  it('leaves out the domain of a reference without one', () => {
    expect(parseReference('foo/bar')).not.toHaveProperty('domain');
  });

  it.each([
    ['', 'NAME_INVALID'],
    ['Ubuntu', 'NAME_INVALID'],
    ['UPPER/case:v1', 'NAME_INVALID'],
    ['app/', 'NAME_INVALID'],
    ['/app', 'NAME_INVALID'],
    ['a//b', 'NAME_INVALID'],
    ['-app', 'NAME_INVALID'],
    ['app-', 'NAME_INVALID'],
    ['a___b', 'NAME_INVALID'],
    ['a..b', 'NAME_INVALID'],
    [`${'a'.repeat(256)}`, 'NAME_INVALID'],
    ['bad_domain.com:port/app', 'NAME_INVALID'],
    ['my-app__x.y/z', 'NAME_INVALID'],
    ['[::1]/', 'NAME_INVALID'],
    ['app:', 'TAG_INVALID'],
    ['app:-x', 'TAG_INVALID'],
    ['app:.x', 'TAG_INVALID'],
    [`app:${'t'.repeat(129)}`, 'TAG_INVALID'],
    ['app:v1@', 'DIGEST_INVALID'],
    ['app@sha256:abc', 'DIGEST_INVALID'],
    [`app@sha256:${'A'.repeat(64)}`, 'DIGEST_INVALID'],
    [`app@md5:${'a'.repeat(32)}`, 'DIGEST_INVALID'],
    [`app@sha512:${'a'.repeat(64)}`, 'DIGEST_INVALID'],
  ])('refuses %j with %s', (input, code) => {
    expect(() => parseReference(input)).toThrow(TagHistoryError);
    try {
      parseReference(input);
    } catch (error) {
      expect((error as TagHistoryError).code).toBe(code);
    }
  });
});
