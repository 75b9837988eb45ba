import { Controller, Get, Header, Inject } from '@nestjs/common';
import { DATABASE, type Database } from '@tag-history/database';
import { readSigningKeys } from '@tag-history/event-store';
import type { Kysely } from 'kysely';
import { Type } from '@sinclair/typebox';
import { Api } from '../http/openapi/api';

/**
 * Every public key that ever signed events here, current and retired, with
 * the time range each signed in (`valid_from`, `valid_until`; null is open),
 * so an auditor can check each event with the key valid at its time.
 */
@Controller()
export class JwksController {
  constructor(@Inject(DATABASE) private readonly db: Kysely<Database>) {}

  @Get('.well-known/jwks.json')
  @Api({
    summary: 'Every public key that signed events, with its validity',
    responses: {
      200: { content: { 'application/jwk-set+json': Type.Object({ keys: Type.Array(Type.Object({ kty: Type.String() })) }) }, headers: ['cache-control'] },
    },
  })
  @Header('content-type', 'application/jwk-set+json')
  @Header('cache-control', 'public, max-age=300')
  async jwks() {
    const keys = await readSigningKeys(this.db);
    return { keys: keys.map((k) => ({ ...k.jwk, valid_from: k.validFrom?.toISOString() ?? null, valid_until: k.validUntil?.toISOString() ?? null })) };
  }
}
