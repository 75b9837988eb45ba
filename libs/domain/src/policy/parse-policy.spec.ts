import { TagHistoryError } from '../errors/tag-history-error';
import { parsePolicy } from './parse-policy';
import { matchesPolicyGlob } from './policy-glob';

const fails = (body: unknown) => {
  expect(() => parsePolicy(body)).toThrow(TagHistoryError);
  expect(() => parsePolicy(body)).toThrow(expect.objectContaining({ code: 'BODY_INVALID' }));
};

describe('parsePolicy', () => {
  it('reads each rule with its parameters, in one field order', () => {
    expect(parsePolicy({ rule: 'immutable', tags: 'v*', repositories: '**' })).toEqual({ repositories: '**', tags: 'v*', rule: 'immutable' });
    expect(JSON.stringify(parsePolicy({ after: 'P7D', rule: 'expire', tags: 'pr-*', repositories: 'team/*' }))).toBe(
      '{"repositories":"team/*","tags":"pr-*","rule":"expire","after":"P7D"}',
    );
    expect(parsePolicy({ repositories: '**', tags: 'nightly-*', rule: 'retain', keep: 20 })).toEqual({
      repositories: '**',
      tags: 'nightly-*',
      rule: 'retain',
      keep: 20,
      sort: 'pushed',
    });
  });
  it('refuses an unknown rule', () => fails({ repositories: '**', tags: '*', rule: 'frozen' }));
  it('refuses bad globs', () => {
    for (const glob of ['', '[a-z]*', 'team//app', '/team', 'team/***', 'Team/App', 'a{b,c}']) fails({ repositories: glob, tags: '*', rule: 'immutable' });
    for (const glob of ['', 'v/1', 'v[0-9]', 'x'.repeat(129)]) fails({ repositories: '**', tags: glob, rule: 'immutable' });
  });
  it('refuses bad durations', () => {
    for (const after of ['7 days', 'P1Y', 'P1M', 'PT0S', 'P', 7]) fails({ repositories: '**', tags: '*', rule: 'expire', after });
  });
  it('refuses a missing or bad parameter', () => {
    fails({ repositories: '**', tags: '*', rule: 'expire' });
    fails({ repositories: '**', tags: '*', rule: 'retain' });
    fails({ repositories: '**', tags: '*', rule: 'retain', keep: 0 });
    fails({ repositories: '**', tags: '*', rule: 'retain', keep: 2.5 });
    fails({ repositories: '**', tags: '*', rule: 'retain', keep: 2, sort: 'name' });
    fails({ tags: '*', rule: 'immutable' });
  });
  it('refuses a parameter another rule takes', () => fails({ repositories: '**', tags: '*', rule: 'immutable', keep: 3 }));
});

describe('policy globs', () => {
  it('keep `*` within a path component and let `**` cross them', () => {
    expect(matchesPolicyGlob('repositories', 'team/*', 'team/app')).toBe(true);
    expect(matchesPolicyGlob('repositories', 'team/*', 'team/a/b')).toBe(false);
    expect(matchesPolicyGlob('repositories', 'team/**', 'team/a/b')).toBe(true);
    expect(matchesPolicyGlob('repositories', 'team.x/*', 'teamyx/app')).toBe(false);
    expect(matchesPolicyGlob('tags', 'v?.*', 'v1.2.3')).toBe(true);
    expect(matchesPolicyGlob('tags', 'v?.*', 'v10.2')).toBe(false);
  });
});
