import { TagHistoryError } from '../errors/tag-history-error';
import type { PrettyFormat } from './pretty-format';

const OPEN = 0x7b;
const CLOSE = 0x7d;
const COMMA = 0x2c;

/**
 * The split Docker's libtrust chooses for a JSON object (NewJSONSignature):
 * after the last non-space byte before the closing brace, so that the
 * signatures become the object's last member and the tail is the whitespace,
 * the brace and whatever followed it.
 */
export function jsonFormat(payload: Uint8Array): PrettyFormat {
  const close = lastNonSpace(payload, payload.length);
  const last = lastNonSpace(payload, close);
  if (close < 0 || payload[close] !== CLOSE || last < 0 || payload[last] === COMMA || payload[last] === OPEN) {
    throw new TagHistoryError('BODY_INVALID', 'a signed payload must be a JSON object with at least one member');
  }
  return { formatLength: last + 1, formatTail: Buffer.from(payload.subarray(last + 1)).toString('base64url') };
}

function lastNonSpace(bytes: Uint8Array, before: number): number {
  let i = before - 1;
  while (i >= 0 && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)) i--;
  return i;
}
