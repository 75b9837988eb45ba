import { Controller, Get, Header, Inject } from '@nestjs/common';
import { DATABASE, type Database } from '@tag-history/database';
import type { Kysely } from 'kysely';

/**
 * Every public key that ever signed events here, current and retired, with
 * the time range each signed in (`valid_from`, `valid_until`; null is open),
 * so an auditor can check each event with the key valid at its time.
 */
@Controller()
export class JwksController {
  constructor(@Inject(DATABASE) private readonly db: Kysely<Database>) {}

  @Get('.well-known/jwks.json')
  @Header('content-type', 'application/jwk-set+json')
  @Header('cache-control', 'public, max-age=300')
  async jwks() {
    const rows = await this.db.selectFrom('signing_keys').select(['public_jwk', 'valid_from', 'valid_until']).orderBy('added_at').execute();
    return {
      keys: rows.map((r) => ({ ...r.public_jwk, valid_from: r.valid_from?.toISOString() ?? null, valid_until: r.valid_until?.toISOString() ?? null })),
    };
  }
}
