import { decide, evolve, initialTagState, type TagCommand, type TagEvent, type TagState, tagStreamId } from '@tag-history/domain';
import { target } from '../support/fixtures';
import { createTestInfrastructure, type TestInfrastructure } from '../support/test-infrastructure';

let infra: TestInfrastructure;
beforeAll(async () => {
  infra = await createTestInfrastructure();
});
afterAll(() => infra.close());

const repository = 'proj/app';

async function run(tag: string, ...commands: ('PutTag' | 'DeleteTag')[]): Promise<void> {
  let seed = 0;
  for (const type of commands) {
    const streamId = tagStreamId(repository, tag);
    const head = await infra.eventStore.readStreamHead<TagState>(streamId);
    const state = head.snapshot ?? initialTagState;
    const command: TagCommand =
      type === 'PutTag' ? { type, data: { repository, tag, target: target(`${tag}-${++seed}`) } } : { type, data: { repository, tag } };
    const events = decide(command, state);
    await infra.eventStore.append([{ streamId, expected: head, events, snapshot: events.reduce(evolve, state), actor: 'tester', time: new Date() }]);
  }
}

const history = (tag: string) =>
  infra.db.selectFrom('tag_history').selectAll().where('repository', '=', repository).where('tag', '=', tag).orderBy('version').execute();

describe('tag_history projection', () => {
  it('keeps one interval per target, closed by the move, delete or re-creation that followed', async () => {
    await run('a', 'PutTag', 'PutTag', 'DeleteTag', 'PutTag');
    const rows = await history('a');
    expect(rows.map((r) => [r.version, r.digest, r.to_version])).toEqual([
      [1, target('a-1').digest, 2],
      [2, target('a-2').digest, 3],
      [4, target('a-3').digest, null],
    ]);
    expect(rows[0]!.to_position).toBe(rows[1]!.from_position);
    expect(rows[1]!.to_actor).toBe('tester');
  });

  it('closes intervals opened in the same batch', async () => {
    const streamId = tagStreamId(repository, 'b');
    const events: TagEvent[] = [
      { type: 'TagCreated', data: { repository, tag: 'b', target: target('b1') } },
      { type: 'TagMoved', data: { repository, tag: 'b', from: target('b1'), target: target('b2') } },
      { type: 'TagDeleted', data: { repository, tag: 'b', from: target('b2') } },
    ];
    await infra.eventStore.append([
      { streamId, expected: { version: 0, lastHash: null }, events, snapshot: events.reduce(evolve, initialTagState), actor: 't', time: new Date() },
    ]);
    const rows = await history('b');
    expect(rows.map((r) => [r.version, r.to_version])).toEqual([
      [1, 2],
      [2, 3],
    ]);
    const current = await infra.db.selectFrom('tags').selectAll().where('repository', '=', repository).where('tag', '=', 'b').execute();
    expect(current).toEqual([]);
  });
});
