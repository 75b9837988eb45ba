import { TagHistoryError } from '@tag-history/domain';
import { createLocalJWKSet, errors, type JSONWebKeySet, type JWSHeaderParameters, type FlattenedJWSInput } from 'jose';

export interface KeySetTiming {
  /** A key set older than this is fetched again (jose's default too). */
  maxAgeMs: number;
  /** How long a key set is still used while the issuer cannot be reached: the bound of "stale while erroring". */
  maxStaleMs: number;
  timeoutMs: number;
  /** At most one fetch per this span after a failure, or for an unknown `kid`: an outage or a stream of forged kids cannot turn every request into a fetch. */
  cooldownMs: number;
}

export const DEFAULT_KEY_SET_TIMING: KeySetTiming = { maxAgeMs: 10 * 60_000, maxStaleMs: 24 * 3_600_000, timeoutMs: 5_000, cooldownMs: 30_000 };

type LocalKeySet = ReturnType<typeof createLocalJWKSet>;

/**
 * The issuer's key set from a URL, as a jose key function. Unlike
 * createRemoteJWKSet, a failed refresh keeps using the last key set fetched
 * (up to maxStaleMs old), and a set older than maxAgeMs is refreshed in the
 * background: an issuer outage or a slow issuer does not turn valid tokens
 * into 401s or slow requests. Without a usable key set the answer is 503: the token may be good.
 */
export class RemoteKeySet {
  private current?: { keys: LocalKeySet; fetchedAt: number };
  private lastAttempt = -Infinity;
  private fetching?: Promise<void>;

  constructor(
    private readonly url: URL,
    private readonly timing: KeySetTiming = DEFAULT_KEY_SET_TIMING,
  ) {}

  readonly getKey = async (header: JWSHeaderParameters, token: FlattenedJWSInput) => {
    const age = this.current ? Date.now() - this.current.fetchedAt : Infinity;
    // An old but usable set answers now and is refreshed meanwhile: a slow issuer slows no request.
    if (age > this.timing.maxStaleMs) await this.refresh();
    else if (age > this.timing.maxAgeMs) void this.refresh();
    try {
      return await this.usable().keys(header, token);
    } catch (error) {
      // A kid the set does not hold may be a key the issuer added since: fetch once, then decide.
      if (!(error instanceof errors.JWKSNoMatchingKey) || !(await this.refresh())) throw error;
      return this.usable().keys(header, token);
    }
  };

  /** True when a new key set was fetched. */
  private async refresh(): Promise<boolean> {
    if (!this.fetching && Date.now() - this.lastAttempt < this.timing.cooldownMs) return false;
    this.fetching ??= this.fetch().finally(() => (this.fetching = undefined));
    return this.fetching.then(
      () => true,
      () => false,
    );
  }

  private async fetch(): Promise<void> {
    this.lastAttempt = Date.now();
    const response = await fetch(this.url, { signal: AbortSignal.timeout(this.timing.timeoutMs), redirect: 'manual', headers: { accept: 'application/json' } });
    if (response.status !== 200) throw new Error(`the key set answered ${response.status}`);
    const keys = createLocalJWKSet((await response.json()) as JSONWebKeySet);
    this.current = { keys, fetchedAt: Date.now() };
  }

  private usable(): { keys: LocalKeySet } {
    if (!this.current || Date.now() - this.current.fetchedAt > this.timing.maxStaleMs) {
      throw new TagHistoryError('UNAVAILABLE', "the token issuer's keys cannot be fetched; retry later");
    }
    return this.current;
  }
}
