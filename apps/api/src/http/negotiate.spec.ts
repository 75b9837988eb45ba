import { TagHistoryError } from '@tag-history/domain';
import { negotiate } from './negotiate';

const OFFERED = ['application/vnd.x+json', 'application/vnd.x+jws', 'application/json'];

function refusal(accept: string): unknown {
  try {
    return negotiate(accept, OFFERED);
  } catch (error) {
    return error instanceof TagHistoryError ? { code: error.code, detail: error.detail } : error;
  }
}

describe('negotiate', () => {
  it.each([
    [undefined, 'application/vnd.x+json'],
    ['', 'application/vnd.x+json'],
    ['*/*', 'application/vnd.x+json'],
    ['application/*', 'application/vnd.x+json'],
    ['application/json', 'application/json'],
    ['application/vnd.x+jws', 'application/vnd.x+jws'],
    ['Application/VND.X+JWS', 'application/vnd.x+jws'],
    ['application/vnd.x+json;q=0.2, application/vnd.x+jws;q=0.3', 'application/vnd.x+jws'],
    ['application/vnd.x+json;q=0.5, application/vnd.x+jws;q=0.5', 'application/vnd.x+json'],
    ['application/vnd.x+json;q=0, */*;q=0.1', 'application/vnd.x+jws'],
    ['text/html, application/*;q=0.2', 'application/vnd.x+json'],
    ['application/vnd.x+jws; charset=utf-8', 'application/vnd.x+jws'],
    ['nonsense, application/json', 'application/json'],
    [['text/html', 'application/vnd.x+jws'], 'application/vnd.x+jws'],
  ])('Accept %j answers %s', (accept, expected) => {
    expect(negotiate(accept as string | string[] | undefined, OFFERED)).toBe(expected);
  });

  it.each(['text/html', 'application/vnd.x+json;q=0, application/vnd.x+jws;q=0, application/json;q=0', '*/json', 'garbage', '*/*;q=0', 'application/json;q=2'])(
    'Accept %j is 406 NOT_ACCEPTABLE listing the offers',
    (accept) => {
      expect(refusal(accept)).toEqual({ code: 'NOT_ACCEPTABLE', detail: { accept, offered: OFFERED } });
    },
  );
});
