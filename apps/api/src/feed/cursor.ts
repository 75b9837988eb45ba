import { TagHistoryError } from '@tag-history/domain';

/**
 * A feed cursor is the log position of an event, base64url-encoded so that
 * clients treat it as opaque. The same event always has the same cursor.
 */
export function encodeCursor(position: number): string {
  return Buffer.from(String(position)).toString('base64url');
}

/** The position a cursor stands for; no cursor is the start of the log. */
export function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined || cursor === '') return 0;
  const decoded = /^[A-Za-z0-9_-]{1,24}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString() : '';
  if (!/^(0|[1-9]\d{0,15})$/.test(decoded) || !Number.isSafeInteger(Number(decoded)) || encodeCursor(Number(decoded)) !== cursor) {
    throw new TagHistoryError('PARAMETER_INVALID', 'cursor is not one this feed handed out', { cursor });
  }
  return Number(decoded);
}
