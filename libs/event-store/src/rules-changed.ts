/**
 * A write decided under policies that changed before its round could
 * append: nothing was written. `current` is the fingerprint of the policies
 * now in force; the writer reads them and decides again.
 */
export class RulesChanged extends Error {
  constructor(readonly current: string) {
    super(`the policies changed while the write was decided (now ${current})`);
    this.name = 'RulesChanged';
  }
}
