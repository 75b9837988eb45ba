import { type TagCommand, tagDecider } from '@tag-history/domain';
import { executeTagCommand } from '../../apps/api/src/tags/execute-tag-command';
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
    const command: TagCommand =
      type === 'PutTag' ? { type, data: { repository, tag, target: target(`${tag}-${++seed}`) } } : { type, data: { repository, tag } };
    await executeTagCommand(infra.eventStore, command, { actor: 'tester' }, () => new Date());
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

  it('closes intervals opened in the same write', async () => {
    const commands: TagCommand[] = [
      { type: 'PutTag', data: { repository, tag: 'b', target: target('b1') } },
      { type: 'PutTag', data: { repository, tag: 'b', target: target('b2') } },
      { type: 'DeleteTag', data: { repository, tag: 'b' } },
    ];
    await infra.eventStore.write(
      commands.map((command) => ({ streamId: `${repository}:b`, decider: tagDecider, command })),
      { actor: 't', time: new Date() },
    );
    const rows = await history('b');
    expect(rows.map((r) => [r.version, r.to_version])).toEqual([
      [1, 2],
      [2, 3],
    ]);
    const current = await infra.db.selectFrom('tags').selectAll().where('repository', '=', repository).where('tag', '=', 'b').execute();
    expect(current).toEqual([]);
  });
});
