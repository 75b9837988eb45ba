/** An append whose expected version was stale. Nothing of its unit was written. */
export class StreamConflictError extends Error {
  readonly code = 'STREAM_CONFLICT';

  constructor(
    readonly streamId: string,
    readonly expectedVersion: number,
    readonly actualVersion: number,
  ) {
    super(`stream ${streamId} is at version ${actualVersion}, not ${expectedVersion}`);
    this.name = 'StreamConflictError';
  }
}
