import type { TokenVerifier } from './token-verifier';
import type { TrustPolicy } from './trust-policy';

/** How the app checks callers and client signatures; without `tokens` every caller is anonymous. */
export interface AccessOptions {
  tokens?: TokenVerifier;
  trust: TrustPolicy;
}

export const ACCESS_OPTIONS = Symbol.for('tag-history.access-options');
