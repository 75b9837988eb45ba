/**
 * A stream's business rules: `decide` answers a command with the events it
 * causes (or throws a TagHistoryError), `evolve` folds an event into the
 * state. Both are pure; time and ids come in with the command.
 */
export interface Decider<C, E, S> {
  decide(command: C, state: S): E[];
  evolve(state: S, event: E): S;
  initialState: S;
}
