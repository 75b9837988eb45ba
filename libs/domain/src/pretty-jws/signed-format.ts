import { isDeepStrictEqual } from 'node:util';
import { TagHistoryError } from '../errors/tag-history-error';
import type { TagJws } from '../tag/tag-jws';
import type { PrettyFormat } from './pretty-format';
import { protectedFormat } from './protected-format';

/**
 * The pretty format a JWS's signatures agree on, or undefined when none
 * carries one (`required`: every signature must). A format must describe this
 * payload (its tail is the payload's end) and split it cleanly: the payload
 * with a `signatures` member inserted there is the same object plus that
 * member, so the pretty document says exactly what was signed.
 */
export function signedFormat(jws: TagJws, { required }: { required: boolean }): PrettyFormat | undefined {
  const formats = jws.signatures.map((s, i) => protectedFormat(s.protected, i));
  const missing = formats.findIndex((f) => f === undefined);
  if (required && missing !== -1) {
    throw invalid(`signature ${missing} has no formatLength and formatTail in its protected header`, { signature: missing });
  }
  const format = formats.find((f) => f !== undefined);
  if (!format) return undefined;
  const other = formats.findIndex((f) => f !== undefined && (f.formatLength !== format.formatLength || f.formatTail !== format.formatTail));
  if (other !== -1) throw invalid(`signature ${other} has another formatLength or formatTail than the first`, { signature: other });
  const payload = Buffer.from(jws.payload, 'base64url');
  const tail = Buffer.from(format.formatTail, 'base64url');
  if (format.formatLength + tail.length !== payload.length || !tail.equals(payload.subarray(format.formatLength))) {
    throw invalid('formatLength and formatTail do not describe the signed payload', format);
  }
  if (!splitsCleanly(payload, format.formatLength, tail)) {
    throw invalid('formatLength does not split the signed payload between two members of its JSON object', format);
  }
  return format;
}

function splitsCleanly(payload: Buffer, length: number, tail: Buffer): boolean {
  try {
    const content = JSON.parse(payload.toString('utf8')) as unknown;
    const marked = JSON.parse(Buffer.concat([payload.subarray(0, length), Buffer.from(',"signatures":[]'), tail]).toString('utf8')) as unknown;
    return (
      typeof content === 'object' &&
      content !== null &&
      !Array.isArray(content) &&
      !('signatures' in content) &&
      isDeepStrictEqual(marked, { ...content, signatures: [] })
    );
  } catch {
    return false;
  }
}

function invalid(message: string, detail: unknown): TagHistoryError {
  return new TagHistoryError('BODY_INVALID', message, detail);
}
