/** Time is an input: tests and the decider never read the system clock themselves. */
export type Clock = () => Date;
export const CLOCK = Symbol.for('tag-history.clock');
