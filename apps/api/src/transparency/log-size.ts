import { TagHistoryError } from '@tag-history/domain';

/** A tree size or position query parameter: a positive integer, or undefined when absent. */
export function parseLogNumber(name: string, value: unknown, required: boolean): number | undefined {
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string' || !/^[0-9]{1,15}$/.test(value)) {
    throw new TagHistoryError('PARAMETER_INVALID', `${name} must be a positive integer`, { [name]: value ?? null });
  }
  return Number(value);
}
