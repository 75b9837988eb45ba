import { FlattenedSign } from 'jose';
import type { SigningKey } from './signing-key';
import type { JwsSignature, TagStatementHeader } from './tag-statement';

/** The service's signature over a tag object's payload bytes, to stand beside the client's signatures of the same bytes. */
export async function signTagStatement(key: SigningKey, payload: Uint8Array, header: TagStatementHeader): Promise<JwsSignature> {
  const signed = await new FlattenedSign(payload).setProtectedHeader({ alg: 'EdDSA', kid: key.kid, ...header }).sign(key.privateKey);
  return { protected: signed.protected!, signature: signed.signature };
}
