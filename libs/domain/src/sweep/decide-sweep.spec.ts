import { TagHistoryError } from '../errors/tag-history-error';
import { decideSweep } from './decide-sweep';
import { evolveSweep } from './evolve-sweep';
import type { SweepCommand } from './sweep-command';
import type { SweepEvent } from './sweep-event';
import { initialSweepState } from './sweep-state';

const id = '0b5c3f2e-1111-4222-8333-944455556666';
const digest = `sha256:${'b'.repeat(64)}`;
const leaseUntil = '2026-01-01T00:15:00.000Z';
const startData = { id, cursor: 7, retention: { default: 'P1D', repositories: {} }, leaseUntil, count: 1, candidates: { 'team/app': [digest] } };
const start: SweepCommand = { type: 'StartSweep', data: startData };
const close = (now: string): SweepCommand => ({ type: 'CloseSweep', data: { id, count: 1, deleted: { 'team/app': [digest] }, now: new Date(now) } });
const started: SweepEvent = { type: 'GcSweepStarted', data: startData };
const closed: SweepEvent = { type: 'GcSweepClosed', data: { id, count: 1, deleted: { 'team/app': [digest] } } };

function given(...events: SweepEvent[]) {
  const state = events.reduce(evolveSweep, initialSweepState);
  return {
    when: (command: SweepCommand) => ({
      then: (expected: SweepEvent[]) => expect(decideSweep(command, state)).toEqual(expected),
      thenFails: (code: string) => {
        expect(() => decideSweep(command, state)).toThrow(TagHistoryError);
        expect(() => decideSweep(command, state)).toThrow(expect.objectContaining({ code }));
      },
    }),
  };
}

describe('sweep decider', () => {
  it('starts a sweep', () => given().when(start).then([started]));
  it('refuses to start a sweep twice', () => given(started).when(start).thenFails('CONFLICT'));
  it('closes an open sweep within its lease, recording what was deleted', () =>
    given(started).when(close('2026-01-01T00:14:59.999Z')).then([closed]));
  it('refuses to close once the lease has ended', () => given(started).when(close(leaseUntil)).thenFails('SWEEP_EXPIRED'));
  it('refuses to close twice', () => given(started, closed).when(close('2026-01-01T00:01:00Z')).thenFails('SWEEP_EXPIRED'));
  it('refuses to close an unknown sweep', () => given().when(close('2026-01-01T00:01:00Z')).thenFails('SWEEP_UNKNOWN'));
});
