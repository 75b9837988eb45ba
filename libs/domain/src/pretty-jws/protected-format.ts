import { TagHistoryError } from '../errors/tag-history-error';
import type { PrettyFormat } from './pretty-format';

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** The format a signature's protected header carries; undefined when it carries none. */
export function protectedFormat(protectedHeader: string, index: number): PrettyFormat | undefined {
  let header: { formatLength?: unknown; formatTail?: unknown };
  try {
    header = JSON.parse(Buffer.from(protectedHeader, 'base64url').toString('utf8')) as typeof header;
  } catch {
    throw invalid(`the protected header of signature ${index} is not base64url JSON`, index);
  }
  const { formatLength, formatTail } = header ?? {};
  if (formatLength === undefined && formatTail === undefined) return undefined;
  if (typeof formatLength !== 'number' || !Number.isSafeInteger(formatLength) || formatLength < 1) {
    throw invalid(`formatLength of signature ${index} must be a positive integer`, index);
  }
  if (typeof formatTail !== 'string' || !BASE64URL.test(formatTail)) {
    throw invalid(`formatTail of signature ${index} must be non-empty base64url`, index);
  }
  return { formatLength, formatTail };
}

function invalid(message: string, signature: number): TagHistoryError {
  return new TagHistoryError('BODY_INVALID', message, { signature });
}
