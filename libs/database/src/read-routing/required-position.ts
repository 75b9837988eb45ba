import { AsyncLocalStorage } from 'node:async_hooks';

const required = new AsyncLocalStorage<number>();

/** The log position the reads of the current request must see (`Tag-History-Min-Position`), if any. */
export function requiredPosition(): number | undefined {
  return required.getStore();
}

/** Runs `work` with its reads answered only by a copy of the log that has `position`. */
export function withRequiredPosition<T>(position: number | undefined, work: () => T): T {
  if (position === undefined) return work();
  return required.run(Math.max(position, required.getStore() ?? 0), work);
}
