import { parseReference, TagHistoryError } from '@tag-history/domain';
import fc from 'fast-check';
import { report } from './support/report';

const hex = (n: number, c = 'a') => c.repeat(n);
const sha256 = `sha256:${hex(64, 'f')}`;
const sha512 = `sha512:${hex(128, '0')}`;

// Known references, after distribution/reference's reference_test.go (as this
// service reads them: the first component is a domain when it has "." or ":",
// is "localhost" or is bracketed IPv6; digests are sha256 or sha512).
const VALID: [string, { domain?: string; path: string; tag?: string; digest?: string }][] = [
  ['test_com', { path: 'test_com' }],
  ['test.com:tag', { path: 'test.com', tag: 'tag' }],
  ['test.com:5000', { path: 'test.com', tag: '5000' }],
  ['test.com/repo:tag', { domain: 'test.com', path: 'repo', tag: 'tag' }],
  ['test:5000/repo', { domain: 'test:5000', path: 'repo' }],
  ['test:5000/repo:tag', { domain: 'test:5000', path: 'repo', tag: 'tag' }],
  [`test:5000/repo@${sha256}`, { domain: 'test:5000', path: 'repo', digest: sha256 }],
  [`test:5000/repo:tag@${sha256}`, { domain: 'test:5000', path: 'repo', tag: 'tag', digest: sha256 }],
  ['lowercase:Uppercase', { path: 'lowercase', tag: 'Uppercase' }],
  ['sub-dom1.foo.com/bar/baz/quux', { domain: 'sub-dom1.foo.com', path: 'bar/baz/quux' }],
  ['sub-dom1.foo.com/bar/baz/quux:some-long-tag', { domain: 'sub-dom1.foo.com', path: 'bar/baz/quux', tag: 'some-long-tag' }],
  ['b.gcr.io/test.example.com/my-app:test.example.com', { domain: 'b.gcr.io', path: 'test.example.com/my-app', tag: 'test.example.com' }],
  ['xn--n3h.com/myimage:xn--n3h.com', { domain: 'xn--n3h.com', path: 'myimage', tag: 'xn--n3h.com' }],
  [`xn--7o8h.com/myimage:xn--7o8h.com@${sha512}`, { domain: 'xn--7o8h.com', path: 'myimage', tag: 'xn--7o8h.com', digest: sha512 }],
  ['foo_bar.com:8080', { path: 'foo_bar.com', tag: '8080' }],
  ['foo/foo_bar.com:8080', { path: 'foo/foo_bar.com', tag: '8080' }],
  ['192.168.1.1', { path: '192.168.1.1' }],
  ['192.168.1.1:tag', { path: '192.168.1.1', tag: 'tag' }],
  ['192.168.1.1:5000/repo:5050', { domain: '192.168.1.1:5000', path: 'repo', tag: '5050' }],
  ['[2001:db8::1]/repo', { domain: '[2001:db8::1]', path: 'repo' }],
  ['[2001:db8:1:2:3:4:5:6]/repo:tag', { domain: '[2001:db8:1:2:3:4:5:6]', path: 'repo', tag: 'tag' }],
  ['[2001:db8::1]:5000/repo', { domain: '[2001:db8::1]:5000', path: 'repo' }],
  ['localhost/repo', { domain: 'localhost', path: 'repo' }],
  ['localhost:5000/repo:tag', { domain: 'localhost:5000', path: 'repo', tag: 'tag' }],
  ['foo__bar', { path: 'foo__bar' }],
  ['foo--bar/a.b_c', { path: 'foo--bar/a.b_c' }],
  [`${'a'.repeat(255)}:${'t'.repeat(128)}`, { path: 'a'.repeat(255), tag: 't'.repeat(128) }],
];

const INVALID: [string, string][] = [
  ['', 'NAME_INVALID'],
  [':justtag', 'NAME_INVALID'],
  [`@${sha256}`, 'NAME_INVALID'],
  [`repo@sha256:${hex(34, 'f')}`, 'DIGEST_INVALID'],
  [`validname@invaliddigest:${hex(64, 'f')}`, 'DIGEST_INVALID'],
  [`repo@sha256:${hex(64, 'F')}`, 'DIGEST_INVALID'],
  [`repo@md5:${hex(32)}`, 'DIGEST_INVALID'],
  ['Uppercase:tag', 'NAME_INVALID'],
  ['test:5000/Uppercase/lowercase:tag', 'NAME_INVALID'],
  ['aa/asdf$$^/aa', 'NAME_INVALID'],
  ['a'.repeat(256), 'NAME_INVALID'],
  ['repo:-tag', 'TAG_INVALID'],
  ['repo:.tag', 'TAG_INVALID'],
  [`repo:${'t'.repeat(129)}`, 'TAG_INVALID'],
  ['[fe80::1%eth0]:5000/repo', 'NAME_INVALID'],
  ['-bad.com/repo', 'NAME_INVALID'],
  ['a/../b', 'NAME_INVALID'],
  ['a//b', 'NAME_INVALID'],
  ['/a', 'NAME_INVALID'],
  ['a/', 'NAME_INVALID'],
  ['foo-.bar', 'NAME_INVALID'],
  ['foo___bar', 'NAME_INVALID'],
  ['repo:tag:tag', 'NAME_INVALID'],
];

// distribution/reference's ReferenceRegexp, with the name length limit: an
// independent statement of the grammar that what the parser accepts must match.
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const HOST = '(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\\[[a-fA-F0-9:]+\\])';
const REFERENCE = new RegExp(
  `^((?:${HOST}(?::[0-9]+)?/)?${COMPONENT}(?:/${COMPONENT})*)(?::[\\w][\\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[a-fA-F0-9]{32,})?$`,
);

describe('fuzzing: the reference grammar', () => {
  it.each(VALID)('accepts %s', (input, parts) => {
    expect(parseReference(input)).toMatchObject(parts);
  });

  it.each(INVALID)('refuses %s', (input, code) => {
    expect(() => parseReference(input)).toThrow(expect.objectContaining({ code }));
  });

  it('parses references built from the grammar back into their parts', () => {
    const component = fc.stringMatching(new RegExp(`^${COMPONENT}$`)).filter((s) => s.length <= 40);
    const domain = fc.oneof(
      fc.constantFrom('localhost', 'registry.example.com', '[::1]', '10.0.0.1'),
      fc.tuple(fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/), fc.constantFrom('.io', '.com')).map(([a, b]) => a + b),
    );
    const reference = fc.record({
      domain: fc.option(
        fc.tuple(domain, fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined })).map(([d, p]) => (p ? `${d}:${p}` : d)),
        { nil: undefined },
      ),
      path: fc.array(component, { minLength: 1, maxLength: 4 }).map((c) => c.join('/')),
      tag: fc.option(fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/), { nil: undefined }),
      digest: fc.option(fc.constantFrom(sha256, sha512, `sha256:${hex(64, '0')}`), { nil: undefined }),
    });
    let tried = 0;
    fc.assert(
      fc.property(reference, (r) => {
        const name = r.domain ? `${r.domain}/${r.path}` : r.path;
        fc.pre(name.length <= 255);
        // Without a domain, a first component that looks like one is read as one (as Docker does).
        const first = r.path.split('/')[0]!;
        fc.pre(r.domain !== undefined || !r.path.includes('/') || !(first.includes('.') || first === 'localhost'));
        tried++;
        const input = `${name}${r.tag ? `:${r.tag}` : ''}${r.digest ? `@${r.digest}` : ''}`;
        const parsed = parseReference(input);
        expect(parsed).toEqual({
          ...(r.domain ? { domain: r.domain } : {}),
          path: r.path,
          name,
          ...(r.tag ? { tag: r.tag } : {}),
          ...(r.digest ? { digest: r.digest } : {}),
        });
      }),
      { numRuns: 2000 },
    );
    report('fuzz reference grammar (valid)', { 'inputs tried': tried });
  });

  it('answers any string with a reference the grammar allows, or a TagHistoryError naming the part', () => {
    const alphabet = fc.constantFrom(...'abcz09AZ._-_/:@[]%$ '.split(''), 'sha256:', sha256.slice(7, 20), 'localhost');
    let tried = 0;
    let accepted = 0;
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.array(alphabet, { maxLength: 30 }).map((a) => a.join('')),
        ),
        (input) => {
          tried++;
          let parsed;
          try {
            parsed = parseReference(input);
          } catch (error) {
            expect(error).toBeInstanceOf(TagHistoryError);
            expect(['NAME_INVALID', 'TAG_INVALID', 'DIGEST_INVALID']).toContain((error as TagHistoryError).code);
            return;
          }
          accepted++;
          const match = REFERENCE.exec(input);
          expect(match).not.toBeNull();
          expect(match![1]!.length).toBeLessThanOrEqual(255);
          expect(parsed.name).toBe(match![1]);
        },
      ),
      { numRuns: 20_000 },
    );
    report('fuzz reference grammar (any string)', { 'inputs tried': tried, accepted });
  });
});
