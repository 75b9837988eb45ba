import { assertRepositoryName, assertTagName, parseTarget, type TagCommand, TagHistoryError } from '@tag-history/domain';

export const MAX_BATCH_OPERATIONS = 1_000;
const OPS = ['create', 'move', 'delete'] as const;
export type BatchOp = (typeof OPS)[number];

export interface BatchOperation {
  op: BatchOp;
  command: TagCommand;
}

/**
 * `{"operations": [{op, name, tag, target, expectedVersion}]}`. Operations
 * apply in order, each on the state the one before left, so one tag may
 * appear several times.
 */
export function parseBatch(body: unknown): BatchOperation[] {
  if (!isObject(body) || Object.keys(body).some((k) => k !== 'operations') || !Array.isArray(body.operations)) {
    throw new TagHistoryError('BODY_INVALID', 'body must be {"operations": [...]}', {});
  }
  const { operations } = body;
  if (operations.length === 0 || operations.length > MAX_BATCH_OPERATIONS) {
    throw new TagHistoryError('BODY_INVALID', `a batch takes 1 to ${MAX_BATCH_OPERATIONS} operations`, {
      operations: operations.length,
      max: MAX_BATCH_OPERATIONS,
    });
  }
  return operations.map((operation, index) => atIndex(index, () => parseOperation(operation)));
}

function parseOperation(value: unknown): BatchOperation {
  if (!isObject(value)) throw new TagHistoryError('BODY_INVALID', 'an operation must be a JSON object', {});
  const unknown = Object.keys(value).filter((k) => !['op', 'name', 'tag', 'target', 'expectedVersion'].includes(k));
  if (unknown.length > 0) throw new TagHistoryError('BODY_INVALID', `unknown field in operation: ${unknown.join(', ')}`, { fields: unknown });
  const { op, name, tag, target, expectedVersion } = value;
  if (!OPS.includes(op as BatchOp)) throw new TagHistoryError('BODY_INVALID', `op must be one of ${OPS.join(', ')}`, { op });
  assertRepositoryName(name);
  assertTagName(tag);
  if (expectedVersion !== undefined && (typeof expectedVersion !== 'number' || !Number.isInteger(expectedVersion) || expectedVersion < 0)) {
    throw new TagHistoryError('BODY_INVALID', 'expectedVersion must be a non-negative integer', { expectedVersion });
  }
  const data = { repository: name, tag, expectedVersion: expectedVersion as number | undefined };
  if (op === 'delete') {
    if (target !== undefined) throw new TagHistoryError('BODY_INVALID', 'a delete takes no target', {});
    return { op, command: { type: 'DeleteTag', data } };
  }
  const put = { ...data, target: parseTarget(target) };
  return { op: op as BatchOp, command: { type: 'PutTag', data: op === 'create' ? { ...put, createOnly: true } : { ...put, mustExist: true } } };
}

/** Runs `work` for operation `index`, so that its error names the operation. */
export function atIndex<T>(index: number, work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw namedByIndex(index, error);
  }
}

/** The error of operation `index`, saying so. */
export function namedByIndex(index: number, error: unknown): unknown {
  if (!(error instanceof TagHistoryError)) return error;
  const detail = isObject(error.detail) ? error.detail : {};
  return new TagHistoryError(error.code, `operation ${index}: ${error.message}`, { index, ...detail });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
