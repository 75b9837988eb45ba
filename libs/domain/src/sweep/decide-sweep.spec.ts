import { given } from '../decider/given';
import type { SweepCommand } from './sweep-command';
import { sweepDecider } from './sweep-decider';
import type { SweepEvent } from './sweep-event';

const id = '0b5c3f2e-1111-4222-8333-944455556666';
const digest = `sha256:${'b'.repeat(64)}`;
const other = `sha256:${'c'.repeat(64)}`;
const leaseUntil = '2026-01-01T00:15:00.000Z';
const startData = {
  id,
  cursor: 7,
  retention: { default: 'P1D', repositories: {} },
  leaseUntil,
  count: 2,
  candidates: { 'team/app': [digest, other] },
  asOf: 9,
  leased: { 'team/app': [digest] },
};
const start: SweepCommand = { type: 'StartSweep', data: startData };
// The handler loads which of the deleted digests the sweep leased.
const close = (now: string, deleted: Record<string, string[]> = { 'team/app': [digest] }): SweepCommand => ({
  type: 'CloseSweep',
  data: { id, count: 1, deleted, leased: { 'team/app': (deleted['team/app'] ?? []).filter((d) => d === digest) }, now: new Date(now) },
});
const chunk = { candidates: { 'team/app': [other] }, asOf: 12, leased: { 'team/app': [other] } };
const extend = (now: string): SweepCommand => ({ type: 'ExtendSweep', data: { id, now: new Date(now), ...chunk } });
const extended: SweepEvent = { type: 'GcSweepExtended', data: { id, leaseUntil, ...chunk } };
const started: SweepEvent = { type: 'GcSweepStarted', data: startData };
const closed: SweepEvent = { type: 'GcSweepClosed', data: { id, count: 1, deleted: { 'team/app': [digest] } } };
const sweep = (...past: SweepEvent[]) => given(sweepDecider, ...past);

describe('sweep decider', () => {
  it('starts a sweep, recording what it leased', () => sweep().when(start).then([started]));
  it('records a further chunk of an open sweep', () => sweep(started).when(extend('2026-01-01T00:01:00Z')).then([extended]));
  it('refuses a further chunk once the lease has ended', () => sweep(started).when(extend(leaseUntil)).thenFails('SWEEP_EXPIRED'));
  it('refuses a further chunk of an unknown sweep', () => sweep().when(extend('2026-01-01T00:01:00Z')).thenFails('SWEEP_UNKNOWN'));
  it('refuses to start a sweep twice', () => sweep(started).when(start).thenFails('CONFLICT'));
  it('closes an open sweep within its lease, recording what was deleted', () => sweep(started).when(close('2026-01-01T00:14:59.999Z')).then([closed]));
  it('refuses a deleted digest it did not lease', () =>
    sweep(started)
      .when(close('2026-01-01T00:01:00Z', { 'team/app': [other] }))
      .thenFails('DIGEST_NOT_LEASED'));
  it('refuses a repository it leased nothing in, even one named like an Object property', () =>
    sweep(started)
      .when(close('2026-01-01T00:01:00Z', { constructor: [digest] }))
      .thenFails('DIGEST_NOT_LEASED'));
  it('refuses to close once the lease has ended', () => sweep(started).when(close(leaseUntil)).thenFails('SWEEP_EXPIRED'));
  it('refuses to close twice', () => sweep(started, closed).when(close('2026-01-01T00:01:00Z')).thenFails('SWEEP_EXPIRED'));
  it('refuses to close an unknown sweep', () => sweep().when(close('2026-01-01T00:01:00Z')).thenFails('SWEEP_UNKNOWN'));
});
