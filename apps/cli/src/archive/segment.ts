import type { PublicKeyRecord, PublishedJwks } from '@tag-history/signing';

/**
 * A segment of the log on disk (docs/scaling.md, "Archived segments"): a
 * folder holding
 *   events.ndjson   the events, oldest first, one GET /v2/_audit line each (each carries its JWS);
 *   tile/0/...      the transparency log's level-0 tiles over them (C2SP paths), as the checkpoint's tree has them;
 *   checkpoint      the signed checkpoint the segment is proved into (its size at or past the segment's end);
 *   jwks.json       the event-signing keys, with their validity; log.key: the checkpoint's verifier key;
 *   segment.json    this manifest.
 * Everything a verifier needs, without the service.
 */
export const SEGMENT_FORMAT = 'tag-history-segment/1';
export const MANIFEST = 'segment.json';
export const EVENTS = 'events.ndjson';
export const CHECKPOINT = 'checkpoint';
export const JWKS = 'jwks.json';
export const LOG_KEY = 'log.key';

export interface StreamHead {
  stream: string;
  version: number;
  hash: string;
}

export interface SegmentManifest {
  format: typeof SEGMENT_FORMAT;
  /** The partition it was: `events_from_<first>`. */
  name: string;
  origin: string;
  first: number;
  last: number;
  /** SHA-256 (hex) of events.ndjson. */
  eventsSha256: string;
  checkpointSize: number;
  /** The tree's right edge at size first - 1 (its partial tiles, base64 of the hashes): the tree before the segment. */
  edge: { level: number; index: number; hashes: string }[];
  /** RFC 6962 consistency proof (base64) from the tree of size `last` to the checkpoint's; empty when they are the same. */
  consistency: string[];
  /** Where each stream that continues in the segment stood before it (the previous segment's `after`). */
  before: StreamHead[];
  /** Where each stream of the segment stands at its end. */
  after: StreamHead[];
}

/** The keys as GET /.well-known/jwks.json publishes them, validity included. */
export function publishedJwks(records: PublicKeyRecord[]): PublishedJwks {
  return {
    keys: records.map((k) => ({ ...k.jwk, kid: k.kid, valid_from: k.validFrom?.toISOString() ?? null, valid_until: k.validUntil?.toISOString() ?? null })),
  };
}
