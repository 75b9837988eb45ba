import { isDeepStrictEqual } from 'node:util';
import { TagHistoryError } from '../errors/tag-history-error';
import { parseTagJws, type TagJws } from '../tag/tag-jws';
import { protectedFormat } from './protected-format';
import { signedFormat } from './signed-format';

/**
 * A pretty JWS back to the JWS it stands for (libtrust's ParsePrettySignature):
 * the payload is the document's first `formatLength` bytes and `formatTail`,
 * which every signature's protected header must carry alike. Stricter than
 * libtrust, the document's other members must be exactly the signed payload,
 * so what a reader sees is what was signed.
 */
export function decodePrettyJws(document: Uint8Array): TagJws {
  const bytes = Buffer.from(document);
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw invalid(`a pretty JWS must be JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || !Array.isArray((parsed as { signatures?: unknown }).signatures)) {
    throw invalid('a pretty JWS is the signed JSON object with a "signatures" array as its last member');
  }
  const { signatures, ...content } = parsed as { signatures: unknown[] };
  const first = signatures[0] as { protected?: unknown } | undefined;
  const format = typeof first?.protected === 'string' ? protectedFormat(first.protected, 0) : undefined;
  if (!format) throw invalid('signature 0 has no formatLength and formatTail in its protected header');
  if (format.formatLength > bytes.length) throw invalid('formatLength is beyond the end of the document', format);
  const payload = Buffer.concat([bytes.subarray(0, format.formatLength), Buffer.from(format.formatTail, 'base64url')]);
  const jws = parseTagJws({ payload: payload.toString('base64url'), signatures });
  signedFormat(jws, { required: true });
  if (!isDeepStrictEqual(JSON.parse(payload.toString('utf8')), content)) {
    throw invalid('the pretty JWS says more or other than its signed payload');
  }
  return jws;
}

function invalid(message: string, detail?: unknown): TagHistoryError {
  return new TagHistoryError('BODY_INVALID', message, detail);
}
