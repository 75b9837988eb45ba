import { TagHistoryError } from '../errors/tag-history-error';
import { parseDuration } from './parse-duration';

describe('parseDuration', () => {
  it.each([
    ['P0D', 0],
    ['PT0S', 0],
    ['P1W', 604_800_000],
    ['P7D', 604_800_000],
    ['PT12H', 43_200_000],
    ['PT1H30M', 5_400_000],
    ['P1DT2H3M4S', 93_784_000],
    ['PT0.5S', 500],
    ['PT1,25S', 1_250],
  ])('reads %s', (input, ms) => expect(parseDuration(input)).toBe(ms));

  it.each(['', 'P', 'PT', 'P1DT', '7D', 'P1Y', 'P1M', 'PT1.5H', 'P-1D', 'p1d', 'P1D ', 'P1.5D', 'P9999999W', 'PT1S1M'])('refuses %j', (input) => {
    expect(() => parseDuration(input)).toThrow(TagHistoryError);
    try {
      parseDuration(input, 'retention');
    } catch (error) {
      expect((error as TagHistoryError).code).toBe('PARAMETER_INVALID');
    }
  });
});
