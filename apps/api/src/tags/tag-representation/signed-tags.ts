import { Inject, Injectable } from '@nestjs/common';
import { DATABASE, type Database } from '@tag-history/database';
import { jsonFormat, signedFormat, type TagJws, tagObjectPayload } from '@tag-history/domain';
import { clientJwsAt, type TagView } from '@tag-history/queries';
import { type SigningKey, signTagStatement } from '@tag-history/signing';
import type { Kysely } from 'kysely';
import { CLOCK, type Clock } from '../../infrastructure/clock';
import { SIGNING_KEY } from '../../infrastructure/signing-key';

/** Signed tag answers kept at once; about 1 KiB each. */
const MAX_ENTRIES = 10_000;

/**
 * A tag version as a JWS: the service's signature first, then the client's
 * own when a client-signed PUT made that version, all over one payload (the
 * client's bytes, or the tag object the service writes for unsigned tags).
 *
 * What the service signs is a fact about one version of one tag, which never
 * changes: the answer is kept per (tag, version), least recently used out,
 * so a tag read again and again is signed once per process, not per request.
 * Concurrent first reads share one signing.
 */
@Injectable()
export class SignedTags {
  private readonly cache = new Map<string, Promise<TagJws>>();

  constructor(
    @Inject(DATABASE) private readonly db: Kysely<Database>,
    @Inject(SIGNING_KEY) private readonly key: SigningKey,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  jws(view: TagView): Promise<TagJws> {
    const id = JSON.stringify([view.name, view.tag, view.version]);
    const cached = this.cache.get(id);
    if (cached) {
      this.cache.delete(id);
      this.cache.set(id, cached);
      return cached;
    }
    const signing = this.sign(view);
    this.cache.set(id, signing);
    signing.catch(() => this.cache.get(id) === signing && this.cache.delete(id));
    if (this.cache.size > MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
    return signing;
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
