import type { TagCommand } from '@tag-history/domain';
import type { EventStore } from '@tag-history/event-store';
import { createEventStore } from '../../apps/api/src/infrastructure/open-infrastructure';
import { executeTagCommand } from '../../apps/api/src/tags/execute-tag-command';
import { target } from '../support/fixtures';
import { createTestInfrastructure, type TestInfrastructure } from '../support/test-infrastructure';

// Two event stores on one database stand for two instances, each with its
// own memory of stream heads. What one remembers goes stale when the other writes.
let infra: TestInfrastructure;
let a: EventStore;
let b: EventStore;
beforeAll(async () => {
  infra = await createTestInfrastructure();
  a = infra.eventStore;
  b = createEventStore(infra, infra.key);
});
afterAll(() => infra.close());

const repository = 'stale/app';
const now = () => new Date();
const put = (tag: string, seed: string, extra: { expectedVersion?: number } = {}): TagCommand => ({
  type: 'PutTag',
  data: { repository, tag, target: target(seed), ...extra },
});
const del = (tag: string): TagCommand => ({ type: 'DeleteTag', data: { repository, tag } });

describe('deciding on a head another instance has moved', () => {
  it('moves back to a target this instance still believes current', async () => {
    await executeTagCommand(a, put('t1', 'x'), { actor: 'a' }, now);
    await executeTagCommand(b, put('t1', 'y'), { actor: 'b' }, now);
    const result = await executeTagCommand(a, put('t1', 'x'), { actor: 'a' }, now);
    expect(result.state).toEqual({ version: 3, target: target('x') });
    expect(result.events.map((e) => e.type)).toEqual(['TagMoved']);
  });

  it('honours an If-Match that only the database knows to be right', async () => {
    await executeTagCommand(a, put('t2', 'x'), { actor: 'a' }, now);
    await executeTagCommand(b, put('t2', 'y'), { actor: 'b' }, now);
    const result = await executeTagCommand(a, put('t2', 'z', { expectedVersion: 2 }), { actor: 'a' }, now);
    expect(result.state.version).toBe(3);
  });

  it('refuses to delete what the other instance deleted, and re-creates it', async () => {
    await executeTagCommand(a, put('t3', 'x'), { actor: 'a' }, now);
    await executeTagCommand(b, del('t3'), { actor: 'b' }, now);
    await expect(executeTagCommand(a, del('t3'), { actor: 'a' }, now)).rejects.toMatchObject({ code: 'TAG_UNKNOWN' });
    const again = await executeTagCommand(a, put('t3', 'x'), { actor: 'a' }, now);
    expect(again.events.map((e) => e.type)).toEqual(['TagCreated']);
    expect(again.state.version).toBe(3);
  });
});
