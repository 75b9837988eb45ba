/** What a tag points at: a manifest, named by its canonical digest. */
export interface Target {
  mediaType: string;
  size: number;
  digest: string;
}

export function sameTarget(a: Target | null, b: Target | null): boolean {
  return a === b || (a !== null && b !== null && a.digest === b.digest && a.mediaType === b.mediaType && a.size === b.size);
}
