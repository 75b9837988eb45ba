/** One stream per pinned (repository, digest); `reason` is the pin's while it holds. */
export interface PinState {
  version: number;
  pinned: boolean;
  reason: string | null;
}

export const initialPinState: PinState = { version: 0, pinned: false, reason: null };

/** Repository names never contain "@", so this never collides with a tag stream `<repository>:<tag>`. */
export function pinStreamId(repository: string, digest: string): string {
  return `${repository}@${digest}`;
}
