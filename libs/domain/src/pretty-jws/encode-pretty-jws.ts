import type { TagJws } from '../tag/tag-jws';
import { signedFormat } from './signed-format';

const INDENT = /^[ \t]{1,10}$/;

/**
 * The pretty form of a JWS, as Docker's libtrust writes it (PrettySignature):
 * the payload itself up to `formatLength`, the signatures as a last
 * `signatures` member (indented like the payload), then `formatTail`. The
 * signatures must carry the format (see signedFormat); the bytes signed are
 * then rebuilt from the document alone (decodePrettyJws).
 */
export function encodePrettyJws(jws: TagJws): Buffer {
  const format = signedFormat(jws, { required: false });
  if (!format) throw new Error('no signature of this JWS carries formatLength and formatTail');
  const payload = Buffer.from(jws.payload, 'base64url');
  const indent = detectIndent(payload);
  const signatures = indent
    ? `,\n${indent}"signatures": ${JSON.stringify(jws.signatures, null, indent).replace(/\n/g, `\n${indent}`)}`
    : `,"signatures":${JSON.stringify(jws.signatures)}`;
  return Buffer.concat([payload.subarray(0, format.formatLength), Buffer.from(signatures), Buffer.from(format.formatTail, 'base64url')]);
}

// libtrust's detectJSONIndent: the whitespace between "{\n" and the first member's quote.
function detectIndent(payload: Buffer): string | undefined {
  if (payload[0] !== 0x7b || payload[1] !== 0x0a) return undefined;
  const quote = payload.indexOf(0x22, 2);
  const indent = quote === -1 ? '' : payload.subarray(2, quote).toString('utf8');
  return INDENT.test(indent) ? indent : undefined;
}
