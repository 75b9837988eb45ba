import { HttpException } from '@nestjs/common';
import { isUnavailableError } from '@tag-history/database';
import { type ErrorCode, TagHistoryError } from '@tag-history/domain';

export interface OciErrorBody {
  errors: { code: ErrorCode; message: string; detail?: unknown }[];
}

const STATUS: Record<ErrorCode, number> = {
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
  SWEEP_UNKNOWN: 404,
  EVENT_UNKNOWN: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  MANIFEST_BEING_DELETED: 409,
  DIGEST_NOT_LEASED: 409,
  SWEEP_EXPIRED: 410,
  TOO_MANY_CANDIDATES: 413,
  PRECONDITION_FAILED: 412,
  NOT_ACCEPTABLE: 406,
  UNSUPPORTED: 415,
  IDEMPOTENCY_KEY_REUSED: 422,
  INTERNAL_ERROR: 500,
  UNAVAILABLE: 503,
};


/** The one mapping from anything thrown to an HTTP status and OCI error body. */
export function toOciError(error: unknown): { status: number; body: OciErrorBody } {
  const e = classify(error);
  return { status: e.status ?? STATUS[e.code], body: { errors: [{ code: e.code, message: e.message, ...(e.detail !== undefined ? { detail: e.detail } : {}) }] } };
}

function classify(error: unknown): { code: ErrorCode; message: string; detail?: unknown; status?: number } {
  if (error instanceof TagHistoryError) return error;
  if (error instanceof HttpException) return fromStatus(error.getStatus(), error.message);
  const err = error as { statusCode?: number; code?: string; message?: string };
  if (isUnavailableError(error)) {
    return { code: 'UNAVAILABLE', message: 'the database is unavailable; retry later' };
  }
  // Fastify's own 4xx errors (body too large, bad content length, ...).
  if (err && typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    return fromStatus(err.statusCode, err.message ?? 'bad request');
  }
  return { code: 'INTERNAL_ERROR', message: 'internal error' };
}

function fromStatus(status: number, message: string): { code: ErrorCode; message: string; status: number } {
  const code: ErrorCode =
    status === 404 ? 'NOT_FOUND' : status === 405 ? 'METHOD_NOT_ALLOWED' : status === 413 ? 'SIZE_INVALID' : status === 415 ? 'UNSUPPORTED' : 'BODY_INVALID';
  return { code, message, status };
}
