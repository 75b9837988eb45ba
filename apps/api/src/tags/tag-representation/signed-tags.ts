import { Inject, Injectable } from '@nestjs/common';
import { DATABASE, type Database } from '@tag-history/database';
import { encodePrettyJws, jsonFormat, signedFormat, TagHistoryError, type TagJws, tagObjectPayload } from '@tag-history/domain';
import { archivedSegmentOf } from '@tag-history/event-store';
import { clientJwsAt, type TagView } from '../../queries';
import { type SigningKey, signTagStatement } from '@tag-history/signing';
import type { Kysely } from 'kysely';
import { CLOCK, type Clock } from '../../infrastructure/clock';
import { SIGNING_KEY } from '../../infrastructure/signing-key';
import { AnswerCache } from './answer-cache';

/** What the kept answers may hold: a client's signatures can make one answer up to the 64 KiB of its PUT. */
const MAX_ENTRIES = 10_000;
const MAX_BYTES = 16 * 1024 * 1024;

/** One signed tag version in both signed media types, encoded once: `+jws` as its JSON text, `+prettyjws` as bytes. */
export interface SignedTag {
  jws: string;
  pretty: Buffer;
}

/**
 * A tag version as a JWS: the service's signature first, then the client's
 * own when a client-signed PUT made that version, all over one payload (the
 * client's bytes, or the tag object the service writes for unsigned tags).
 *
 * What the service signs is a fact about one version of one tag, which never
 * changes: the answer is kept per (tag, version), least recently used out
 * (at most MAX_ENTRIES answers and MAX_BYTES of them), so a tag read again
 * and again is signed once per process, not per request. Concurrent first
 * reads share one signing. Both encodings are kept: checking and
 * writing the pretty form costs more than the signature itself.
 */
@Injectable()
export class SignedTags {
  private readonly cache = new AnswerCache<SignedTag>({ entries: MAX_ENTRIES, bytes: MAX_BYTES }, (s) => s.jws.length + s.pretty.length);

  constructor(
    @Inject(DATABASE) private readonly db: Kysely<Database>,
    @Inject(SIGNING_KEY) private readonly key: SigningKey,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  get(view: TagView): Promise<SignedTag> {
    return this.cache.get(JSON.stringify([view.name, view.tag, view.version]), async () => {
      const jws = await this.sign(view);
      return { jws: JSON.stringify(jws), pretty: encodePrettyJws(jws) };
    });
  }

  private async sign(view: TagView): Promise<TagJws> {
    const client = await clientJwsAt(this.db, view.name, view.tag, view.version);
    // Whether a client signed this version is in its event: archived (and not kept with its stream's archived head), it
    // cannot be told, so nothing is signed rather than half.
    const segment = client === undefined ? await archivedSegmentOf(this.db, view.position) : undefined;
    if (segment) {
      throw new TagHistoryError('ARCHIVED', `the event of ${view.name}:${view.tag} version ${view.version} is archived in segment ${segment}`, {
        position: view.position,
        segment,
      });
    }
    const payload = client ? Buffer.from(client.payload, 'base64url') : Buffer.from(tagObjectPayload(view));
    // The service's signature takes the pretty format the client signed, if any, so both fit in one pretty document.
    const format = (client && signedFormat(client, { required: false })) ?? jsonFormat(payload);
    const signature = await signTagStatement(this.key, payload, {
      version: view.version,
      position: view.position,
      updatedAt: view.updatedAt,
      updatedBy: view.updatedBy,
      ...format,
      time: this.clock().toISOString(),
    });
    return { payload: client?.payload ?? payload.toString('base64url'), signatures: [signature, ...(client?.signatures ?? [])] };
  }
}
