import { createHash } from 'node:crypto';

/** The chain link: a digest over the whole compact JWS (header, payload and signature). */
export function eventHash(jws: string): string {
  return `sha256:${createHash('sha256').update(jws).digest('hex')}`;
}
