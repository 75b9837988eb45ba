import { TagHistoryError } from '@tag-history/domain';
import { decodeCursor, encodeCursor } from './cursor';

describe('feed cursor', () => {
  it('round-trips every position and is stable', () => {
    for (const position of [0, 1, 9, 10, 12345, 2 ** 53 - 1]) {
      expect(decodeCursor(encodeCursor(position))).toBe(position);
      expect(encodeCursor(position)).toBe(encodeCursor(position));
    }
  });

  it('reads an absent cursor as the start of the log', () => {
    expect(decodeCursor(undefined)).toBe(0);
    expect(decodeCursor('')).toBe(0);
  });

  it.each(['12', 'not a cursor', encodeCursor(5) + '=', Buffer.from('-1').toString('base64url'), Buffer.from('007').toString('base64url')])(
    'rejects %s with PARAMETER_INVALID',
    (cursor) => {
      expect(() => decodeCursor(cursor)).toThrow(TagHistoryError);
      expect(() => decodeCursor(cursor)).toThrow(/cursor/);
    },
  );
});
