import { HttpException } from '@nestjs/common';
import { isUnavailableError } from '@tag-history/database';
import { type ErrorCode, TagHistoryError } from '@tag-history/domain';
import { excerpt, type FlatValue, flatDetail } from './input/excerpt';

export interface OciErrorBody {
  errors: { code: ErrorCode; message: string; detail?: Record<string, FlatValue> }[];
}

export const STATUS: Record<ErrorCode, number> = {
  NAME_INVALID: 400,
  TAG_INVALID: 400,
  DIGEST_INVALID: 400,
  SIZE_INVALID: 400,
  BODY_INVALID: 400,
  PARAMETER_INVALID: 400,
  SIGNATURE_INVALID: 400,
  UNAUTHORIZED: 401,
  DENIED: 403,
  NAME_UNKNOWN: 404,
  TAG_UNKNOWN: 404,
  MANIFEST_UNKNOWN: 404,
  VERSION_UNKNOWN: 404,
  NOT_FOUND: 404,
  PIN_UNKNOWN: 404,
  POLICY_UNKNOWN: 404,
  SWEEP_UNKNOWN: 404,
  EVENT_UNKNOWN: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  MANIFEST_BEING_DELETED: 409,
  DIGEST_NOT_LEASED: 409,
  TAG_IMMUTABLE: 409,
  SWEEP_EXPIRED: 410,
  ARCHIVED: 410,
  TOO_MANY_CANDIDATES: 413,
  PRECONDITION_FAILED: 412,
  PRECONDITION_REQUIRED: 428,
  NOT_ACCEPTABLE: 406,
  UNSUPPORTED: 415,
  IDEMPOTENCY_KEY_REUSED: 422,
  TOO_MANY_REQUESTS: 429,
  INTERNAL_ERROR: 500,
  UNAVAILABLE: 503,
};

/** Messages are ours, but some quote input: they are cut like any excerpt. */
const MAX_MESSAGE = 512;

/**
 * The one mapping from anything thrown to an HTTP status and OCI error body.
 * The detail is flattened (input/excerpt.ts): an error never echoes more than
 * a short excerpt of what the caller sent, whatever its size or depth.
 */
export function toOciError(error: unknown): { status: number; body: OciErrorBody } {
  const e = classify(error);
  const detail = flatDetail(e.detail);
  return {
    status: e.status ?? STATUS[e.code],
    body: { errors: [{ code: e.code, message: excerpt(e.message, MAX_MESSAGE), ...(detail !== undefined ? { detail } : {}) }] },
  };
}

function classify(error: unknown): { code: ErrorCode; message: string; detail?: unknown; status?: number } {
  if (error instanceof TagHistoryError) return error;
  if (error instanceof HttpException) return fromStatus(error.getStatus(), error.message);
  const err = error as { statusCode?: number; code?: string; message?: string };
  if (isUnavailableError(error)) {
    return { code: 'UNAVAILABLE', message: 'the database is unavailable; retry later' };
  }
  // Fastify's and Node's own 4xx errors (body too large, bad content length, path or headers too long, ...).
  if (err && typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    return fromStatus(err.statusCode, err.message ?? 'bad request');
  }
  return { code: 'INTERNAL_ERROR', message: 'internal error' };
}

const STATUS_CODES: Record<number, ErrorCode> = {
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'SIZE_INVALID',
  // A path whose folded name (or another parameter) is longer than any valid one.
  414: 'NAME_INVALID',
  415: 'UNSUPPORTED',
  431: 'PARAMETER_INVALID',
};

function fromStatus(status: number, message: string): { code: ErrorCode; message: string; status: number } {
  return { code: STATUS_CODES[status] ?? 'BODY_INVALID', message, status };
}
