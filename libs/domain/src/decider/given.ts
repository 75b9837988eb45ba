import { TagHistoryError } from '../errors/tag-history-error';
import type { Decider } from './decider';

/** The shared given / when / then of decider tests: given past events, when a command, then events or an error code. */
export function given<C, E, S>(decider: Decider<C, E, S>, ...past: E[]) {
  const state = past.reduce(decider.evolve, decider.initialState);
  return {
    when: (command: C) => ({
      then: (expected: E[]) => expect(decider.decide(command, state)).toEqual(expected),
      thenFails: (code: string) => {
        let thrown: unknown;
        try {
          decider.decide(command, state);
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(TagHistoryError);
        expect((thrown as TagHistoryError).code).toBe(code);
      },
    }),
  };
}
