import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDistributionEnvelope } from './distribution-envelope';

const DIR = join(__dirname, '../../../../../test/fixtures/distribution-2.8.2-notifications');
const fixtures = readdirSync(DIR)
  .filter((f) => /^\d\d-.*\.json$/.test(f))
  .sort();
const parse = (file: string) => parseDistributionEnvelope(JSON.parse(readFileSync(join(DIR, file), 'utf8')));

describe('the envelopes a real Distribution 2.8.2 sent', () => {
  it('become checks for tag pushes and deletes only', () => {
    const kinds = fixtures.map((f) => {
      const [check] = parse(f).checks;
      return check ? `${f.slice(0, 2)} ${check.kind} ${check.tag ?? check.digest!.slice(0, 19)} ${check.actor ?? '-'}` : undefined;
    });
    expect(kinds.filter(Boolean)).toEqual([
      '03 push latest -',
      '06 push latest -',
      '09 push v1 -',
      '10 push latest -',
      '11 push multi -',
      '22 delete-digest sha256:b89191897ff2 -',
      '23 delete-tag latest -',
      '24 delete-tag v1 -',
      '25 delete-digest sha256:890dfcfa9a51 -',
      '26 delete-tag multi -',
      // A blob delete looks like a manifest delete: checking the tags on that digest finds none.
      '27 delete-digest sha256:e5508893ecbf -',
      '30 push latest alice',
      '34 push latest bob',
      '35 delete-digest sha256:6c722e43d2ea alice',
      '36 delete-tag latest alice',
    ]);
  });

  it('keeps the event id, the request id linking a delete by digest to its tags, and the instance', () => {
    const digest = parse('22-delete-B-by-digest__delete-digest.json');
    const tag = parse('23-delete-B-by-digest__delete-tag-latest.json');
    expect(digest.checks[0]).toMatchObject({ notification_id: 'e3e7bbdc-eaef-48c7-8528-29be42ebd4ee', request_id: '58a48a70-69de-4e2a-a67c-9737ab19793a' });
    expect(tag.checks[0]!.request_id).toBe(digest.checks[0]!.request_id);
    expect(digest.instanceId).toBe('0b5e7619-a831-4d2a-ac17-86bcd8af83e5');
  });

  it('ignores pulls, mounts, blob pushes and a push by digest', () => {
    for (const f of [
      '01-push-A-blobs__push-blob.json',
      '12-push-A-by-digest__push-manifest.json',
      '13-head-manifest-by-tag__pull-manifest-latest.json',
      '20-mount-blob-into-demo-other__mount-blob.json',
    ]) {
      expect(parse(f)).toMatchObject({ checks: [], ignored: 1 });
    }
  });
});

describe('a bad envelope', () => {
  const push = {
    id: 'e',
    action: 'push',
    target: { repository: 'a/b', tag: 't', digest: `sha256:${'a'.repeat(64)}`, mediaType: 'application/vnd.oci.image.manifest.v1+json' },
  };
  it.each([
    ['not an object', 'x', 'BODY_INVALID'],
    ['no events', { events: [] }, 'BODY_INVALID'],
    ['an event without id', { events: [{ ...push, id: undefined }] }, 'BODY_INVALID'],
    ['a bad repository name', { events: [{ ...push, target: { ...push.target, repository: 'A' } }] }, 'NAME_INVALID'],
    ['a bad tag', { events: [{ ...push, target: { ...push.target, tag: '.x' } }] }, 'TAG_INVALID'],
    ['a bad digest', { events: [{ ...push, target: { ...push.target, digest: 'sha256:zz' } }] }, 'DIGEST_INVALID'],
    ['a push by tag without digest', { events: [{ ...push, target: { ...push.target, digest: undefined } }] }, 'BODY_INVALID'],
    ['a delete naming nothing', { events: [{ ...push, action: 'delete', target: { repository: 'a/b' } }] }, 'BODY_INVALID'],
    ['1001 events', { events: Array.from({ length: 1001 }, () => push) }, 'BODY_INVALID'],
  ])('is refused: %s', (_what, body, code) => {
    expect(() => parseDistributionEnvelope(body)).toThrow(expect.objectContaining({ code }));
  });
  it('of 1000 events is taken', () => expect(parseDistributionEnvelope({ events: Array.from({ length: 1000 }, () => push) }).checks).toHaveLength(1000));
});
