/** The service's signing key, for signatures made outside the event store (signed tag answers). */
export const SIGNING_KEY = Symbol.for('tag-history.signing-key');
