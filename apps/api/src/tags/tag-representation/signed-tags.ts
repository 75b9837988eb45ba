import { Inject, Injectable } from '@nestjs/common';
import { DATABASE, type Database } from '@tag-history/database';
import { jsonFormat, signedFormat, type TagJws, tagObjectPayload } from '@tag-history/domain';
import { clientJwsAt, type TagView } from '@tag-history/queries';
import { type SigningKey, signTagStatement } from '@tag-history/signing';
import type { Kysely } from 'kysely';
import { CLOCK, type Clock } from '../../infrastructure/clock';
import { SIGNING_KEY } from '../../infrastructure/signing-key';
import { AnswerCache } from './answer-cache';

/** What the kept answers may hold: a client's signatures can make one answer up to the 64 KiB of its PUT. */
const MAX_ENTRIES = 10_000;
const MAX_BYTES = 16 * 1024 * 1024;

/**
 * A tag version as a JWS: the service's signature first, then the client's
 * own when a client-signed PUT made that version, all over one payload (the
 * client's bytes, or the tag object the service writes for unsigned tags).
 *
 * What the service signs is a fact about one version of one tag, which never
 * changes: the answer is kept per (tag, version), least recently used out
 * (at most MAX_ENTRIES answers and MAX_BYTES of them), so a tag read again
 * and again is signed once per process, not per request. Concurrent first
 * reads share one signing.
 */
@Injectable()
export class SignedTags {
  private readonly cache = new AnswerCache<TagJws>({ entries: MAX_ENTRIES, bytes: MAX_BYTES }, (jws) => JSON.stringify(jws).length);

  constructor(
    @Inject(DATABASE) private readonly db: Kysely<Database>,
    @Inject(SIGNING_KEY) private readonly key: SigningKey,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  jws(view: TagView): Promise<TagJws> {
    return this.cache.get(JSON.stringify([view.name, view.tag, view.version]), () => this.sign(view));
  }

  private async sign(view: TagView): Promise<TagJws> {
    const client = await clientJwsAt(this.db, view.name, view.tag, view.version);
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
