import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { TagHistoryError, type TagJws } from '@tag-history/domain';
import { calculateJwkThumbprint, createLocalJWKSet, generalVerify, type JWK } from 'jose';
import { ASYMMETRIC_ALGORITHMS } from '@tag-history/config';

/**
 * Which keys may sign tags for which repositories. The policy file:
 * `{"rules": [{"repositories": "prod/**", "keys": "prod-signers.jwks.json" | {"keys": [...]},
 *   "threshold": 2, "requireSigned": true}]}`; the first rule whose pattern matches applies.
 * `*` matches within one path component, `**` across components.
 */
export interface TrustRuleFile {
  repositories: string;
  keys: string | { keys: JWK[] };
  threshold?: number;
  requireSigned?: boolean;
}

interface TrustedKey {
  id: string;
  kid?: string;
  key: ReturnType<typeof createLocalJWKSet>;
}

interface TrustRule {
  pattern: RegExp;
  keys: TrustedKey[];
  threshold: number;
  requireSigned: boolean;
}

// A byte-order mark stays and fails JSON.parse: the payload must be the JSON object itself, as the pretty form shows it.
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

export class TrustPolicy {
  private constructor(private readonly rules: TrustRule[]) {}

  static readonly empty = new TrustPolicy([]);

  static async load(file: string | undefined): Promise<TrustPolicy> {
    if (!file) return TrustPolicy.empty;
    const policy = JSON.parse(readFileSync(file, 'utf8')) as { rules?: TrustRuleFile[] };
    if (!Array.isArray(policy.rules)) throw new Error(`trust policy ${file}: "rules" must be a list`);
    return TrustPolicy.of(policy.rules, dirname(file));
  }

  static async of(rules: TrustRuleFile[], baseDir = '.'): Promise<TrustPolicy> {
    return new TrustPolicy(
      await Promise.all(
        rules.map(async (rule) => {
          const jwks = typeof rule.keys === 'string' ? (JSON.parse(readFileSync(resolve(baseDir, rule.keys), 'utf8')) as { keys: JWK[] }) : rule.keys;
          const threshold = rule.threshold ?? 1;
          if (!Number.isInteger(threshold) || threshold < 1) throw new Error(`trust policy: threshold of ${rule.repositories} must be a positive integer`);
          const keys = await Promise.all(
            jwks.keys.map(async (jwk) => ({ id: jwk.kid ?? (await calculateJwkThumbprint(jwk)), kid: jwk.kid, key: createLocalJWKSet({ keys: [jwk] }) })),
          );
          return { pattern: globToRegExp(rule.repositories), keys, threshold, requireSigned: rule.requireSigned ?? false };
        }),
      ),
    );
  }

  /** Unsigned writes are refused for repositories whose rule requires signatures. */
  assertUnsignedAllowed(repository: string): void {
    if (this.ruleFor(repository)?.requireSigned) {
      throw new TagHistoryError('DENIED', `tags of ${repository} must be signed by the client (${TAG_JWS_HINT})`, { repository });
    }
  }

  /**
   * Verifies every signature against the keys trusted for the repository
   * (a signature that does not verify refuses the whole tag), counts the
   * distinct trusted signers against the threshold, and returns the payload.
   */
  async verify(repository: string, jws: TagJws): Promise<unknown> {
    const rule = this.ruleFor(repository);
    if (!rule) throw new TagHistoryError('DENIED', `no keys are trusted to sign tags of ${repository}`, { repository });
    const signers = new Set<string>();
    for (const [index, signature] of jws.signatures.entries()) {
      signers.add(await verifyOne(rule, jws.payload, signature, index));
    }
    if (signers.size < rule.threshold) {
      throw new TagHistoryError('DENIED', `tags of ${repository} need ${rule.threshold} trusted signatures, got ${signers.size}`, {
        threshold: rule.threshold,
        signers: [...signers],
      });
    }
    try {
      return JSON.parse(decoder.decode(Buffer.from(jws.payload, 'base64url')));
    } catch {
      throw new TagHistoryError('BODY_INVALID', 'the JWS payload is not a JSON tag object');
    }
  }

  private ruleFor(repository: string): TrustRule | undefined {
    return this.rules.find((r) => r.pattern.test(repository));
  }
}

const TAG_JWS_HINT = 'content type application/vnd.docker.distribution.tag.v1+jws or +prettyjws';

async function verifyOne(rule: TrustRule, payload: string, signature: TagJws['signatures'][number], index: number): Promise<string> {
  const kid = headerKid(signature);
  const candidates = rule.keys.filter((k) => kid === undefined || k.kid === kid);
  if (candidates.length === 0) {
    throw new TagHistoryError('DENIED', `signature ${index} is by a key not trusted for this repository`, { signature: index, kid: kid ?? null });
  }
  for (const candidate of candidates) {
    try {
      await generalVerify({ payload, signatures: [signature] }, candidate.key, { algorithms: ASYMMETRIC_ALGORITHMS });
      return candidate.id;
    } catch {
      // The next candidate may be the signer (signatures without a kid).
    }
  }
  throw new TagHistoryError('SIGNATURE_INVALID', `signature ${index} does not verify with the trusted key${kid ? ` ${kid}` : 's'}`, {
    signature: index,
    kid: kid ?? null,
  });
}

function headerKid(signature: TagJws['signatures'][number]): string | undefined {
  try {
    const header = JSON.parse(decoder.decode(Buffer.from(signature.protected, 'base64url'))) as { kid?: unknown };
    const kid = header.kid ?? signature.header?.kid;
    return typeof kid === 'string' ? kid : undefined;
  } catch {
    throw new TagHistoryError('BODY_INVALID', 'a JWS protected header is not base64url JSON');
  }
}

function globToRegExp(glob: string): RegExp {
  const source = glob
    .split('**')
    .map((part) =>
      part
        .split('*')
        .map((s) => s.replace(/[.+?^${}()|[\]\\/-]/g, '\\$&'))
        .join('[^/]*'),
    )
    .join('.*');
  return new RegExp(`^${source}$`);
}
