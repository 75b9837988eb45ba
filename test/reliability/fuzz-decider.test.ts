import { decide, evolve, initialTagState, type TagCommand, type TagEvent, TagHistoryError, type TagState, type Target } from '@tag-history/domain';
import fc from 'fast-check';
import { target } from '../support/fixtures';
import { report } from './support/report';

const repository = 'fuzz/app';
const tag = 'v1';
const targets: Target[] = ['a', 'b', 'c'].map((seed) => target(seed));

const command: fc.Arbitrary<TagCommand> = fc.oneof(
  fc.record({
    type: fc.constant('PutTag' as const),
    data: fc.record(
      {
        repository: fc.constant(repository),
        tag: fc.constant(tag),
        target: fc.constantFrom(...targets),
        expectedVersion: fc.integer({ min: 0, max: 12 }),
        createOnly: fc.boolean(),
        mustExist: fc.boolean(),
      },
      { requiredKeys: ['repository', 'tag', 'target'] },
    ),
  }),
  // The target is replaced in the run by the one the tag had at that version, as the handler looks it up.
  fc.record({
    type: fc.constant('RestoreTag' as const),
    data: fc.record(
      {
        repository: fc.constant(repository),
        tag: fc.constant(tag),
        restoredVersion: fc.integer({ min: 0, max: 12 }),
        target: fc.constantFrom(...targets),
        expectedVersion: fc.integer({ min: 0, max: 12 }),
      },
      { requiredKeys: ['repository', 'tag', 'restoredVersion', 'target'] },
    ),
  }),
  fc.record({
    type: fc.constant('DeleteTag' as const),
    data: fc.record(
      { repository: fc.constant(repository), tag: fc.constant(tag), expectedVersion: fc.integer({ min: 0, max: 12 }) },
      { requiredKeys: ['repository', 'tag'] },
    ),
  }),
);

/** What a command should do, stated independently of `decide`: the expected event type or error code. */
function expectedOutcome(c: TagCommand, s: TagState): { event?: TagEvent['type']; error?: string } {
  if (c.data.expectedVersion !== undefined && c.data.expectedVersion !== s.version) return { error: 'PRECONDITION_FAILED' };
  if (c.type === 'DeleteTag') return s.target ? { event: 'TagDeleted' } : { error: 'TAG_UNKNOWN' };
  if (c.type === 'RestoreTag') {
    if (c.data.restoredVersion < 1 || c.data.restoredVersion > s.version) return { error: 'VERSION_UNKNOWN' };
    return s.target?.digest === c.data.target.digest ? {} : { event: 'TagRestored' };
  }
  if (!s.target) return c.data.mustExist ? { error: 'TAG_UNKNOWN' } : { event: 'TagCreated' };
  if (c.data.createOnly) return { error: 'PRECONDITION_FAILED' };
  return s.target.digest === c.data.target.digest ? {} : { event: 'TagMoved' };
}

/** Where the tag pointed once the event at `version` had happened. */
function targetAt(log: TagEvent[], version: number): Target | undefined {
  const event = log[version - 1];
  return event && event.type !== 'TagDeleted' ? event.data.target : undefined;
}

/** [start, end) version intervals during which the tag pointed at a target: its history. */
function intervals(events: TagEvent[]): [number, number][] {
  const out: [number, number][] = [];
  events.forEach((e, i) => {
    const version = i + 1;
    const open = out[out.length - 1];
    if (open && open[1] === Infinity) open[1] = version;
    if (e.type !== 'TagDeleted') out.push([version, Infinity]);
  });
  return out;
}

describe('fuzzing: the tag decider', () => {
  it('keeps its invariants over any command sequence', () => {
    let sequences = 0;
    let commands = 0;
    let appended = 0;
    fc.assert(
      fc.property(fc.array(command, { maxLength: 40 }), (sequence) => {
        sequences++;
        let state = initialTagState;
        const log: TagEvent[] = [];
        for (const generated of sequence) {
          commands++;
          let c: TagCommand = generated;
          if (generated.type === 'RestoreTag') {
            const past = targetAt(log, generated.data.restoredVersion);
            // A version that deleted the tag has no target: the handler refuses it before deciding.
            if (!past && generated.data.restoredVersion >= 1 && generated.data.restoredVersion <= state.version) continue;
            c = { ...generated, data: { ...generated.data, target: past ?? generated.data.target } };
          }
          const expected = expectedOutcome(c, state);
          let events: TagEvent[];
          try {
            events = decide(c, state);
          } catch (error) {
            expect(error).toBeInstanceOf(TagHistoryError);
            expect((error as TagHistoryError).code).toBe(expected.error);
            continue;
          }
          expect(expected.error).toBeUndefined();
          expect(events.map((e) => e.type)).toEqual(expected.event ? [expected.event] : []);
          for (const e of events) {
            const next = evolve(state, e);
            expect(next.version).toBe(state.version + 1);
            if (e.type === 'TagDeleted') expect(next.target).toBeNull();
            else expect(next.target).toEqual(e.data.target);
            if (e.type === 'TagRestored') expect(targetAt(log, e.data.restoredVersion)).toEqual(e.data.target);
            if (e.type === 'TagMoved') {
              expect(e.data.from).toEqual(state.target);
              expect(e.data.target.digest).not.toBe(e.data.from.digest);
            }
            state = next;
            log.push(e);
            appended++;
          }
        }
        expect(state.version).toBe(log.length);
        expect(state).toEqual(log.reduce(evolve, initialTagState));
        const history = intervals(log);
        history.forEach(([start, end], i) => {
          expect(start).toBeLessThan(end);
          if (i > 0) expect(start).toBeGreaterThanOrEqual(history[i - 1]![1]);
        });
      }),
      { numRuns: 3000 },
    );
    report('fuzz decider', { 'sequences tried': sequences, 'commands tried': commands, 'events appended': appended });
  });
});
