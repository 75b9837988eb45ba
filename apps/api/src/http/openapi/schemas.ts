import { type TSchema, Type } from '@sinclair/typebox';
import { DIGEST, type ErrorCode, MAX_NAME_LENGTH, REPOSITORY_NAME, TAG_NAME } from '@tag-history/domain';
import { STATUS } from '../oci-error';

/** The answers' JSON schemas, shared by routes; `additionalProperties` stays open so that adding a field is not a breaking change. */
export const Name = Type.String({ pattern: REPOSITORY_NAME.source, maxLength: MAX_NAME_LENGTH });
export const Tag = Type.String({ pattern: TAG_NAME.source });
export const Digest = Type.String({ pattern: DIGEST.source });
export const Time = Type.String({ format: 'date-time' });
export const Count = Type.Integer({ minimum: 0 });
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const OciError = Type.Object({
  errors: Type.Array(
    Type.Object({
      code: Type.Union(Object.keys(STATUS).map((code) => Type.Literal(code as ErrorCode))),
      message: Type.String(),
      detail: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    }),
    { minItems: 1 },
  ),
});

export const Target = Type.Object({ mediaType: Type.String(), size: Count, digest: Digest });

export const TagView = Type.Object({ name: Name, tag: Tag, target: Target, version: Count, position: Count, updatedAt: Time, updatedBy: Type.String() });

/** What a write answers of each event it appended. */
const WrittenEvent = Type.Object({ type: Type.String(), version: Count, position: Count, time: Time });

export const TagWrite = Type.Object({ name: Name, tag: Tag, target: Nullable(Target), version: Count, events: Type.Array(WrittenEvent) });

/** A pin's state after a pin or unpin (apps/api/src/gc). */
export const PinWrite = Type.Object({
  name: Name,
  digest: Digest,
  pinned: Type.Boolean(),
  reason: Nullable(Type.String()),
  version: Count,
  events: Type.Array(WrittenEvent),
});

export const TagEvent = Type.Object({
  version: Count,
  position: Count,
  type: Type.String(),
  previous: Nullable(Target),
  target: Nullable(Target),
  restoredVersion: Type.Optional(Count),
  actor: Type.String(),
  provenance: Type.Optional(Type.Object({})),
  time: Time,
  jws: Type.String(),
});

/** A JWS in the general JSON serialisation (RFC 7515 §7.2.1). */
export const GeneralJws = Type.Object({ payload: Type.String(), signatures: Type.Array(Type.Object({ protected: Type.String(), signature: Type.String() })) });

/** A SHA-256 hash of the transparency log (RFC 6962), in base64. */
export const LogHash = Type.String({ pattern: '^[A-Za-z0-9+/]{43}=$' });

/** The RFC 6962 inclusion proof of the event at `position` in the tree of `treeSize` leaves. */
export const InclusionProof = Type.Object({ position: Count, leafIndex: Count, treeSize: Count, leafHash: LogHash, hashes: Type.Array(LogHash) });

/** Inclusion proofs against one checkpoint (`?proof=true`). */
export const Proofs = Type.Object({ checkpoint: Type.String(), inclusion: Type.Array(InclusionProof) });

/** A recorded event as the feed, the audit and the event page show it. */
export const RecordedEvent = Type.Object({ position: Count, type: Type.String(), time: Time });

export const Text = Type.String();
export const AnyJson = Type.Unknown();

/** A JSON answer with its headers. */
export const json = (schema: TSchema, headers?: string[]) => ({ content: { 'application/json': schema }, ...(headers ? { headers } : {}) });
/** A page of a list: the `Link` header names the next. */
export const page = (schema: TSchema) => json(schema, ['link']);
/** A route-specific error status: the OCI body. */
export const ERROR = json(OciError);

/** 410 ARCHIVED: what the answer needs lies in an archived segment of the log (detail.segment names it). */
export const ARCHIVED = { ...ERROR, description: 'The events it needs were archived (detached after export as a signed segment, named in detail.segment).' };
/** What every tag write answers besides its success. */
export const WRITE_HEADERS = ['etag', 'location', 'idempotent-replayed', 'tag-history-position'];
/** 428: a tag a `protected` policy governs is moved or deleted only with If-Match. */
export const WRITE_ERRORS = { 409: ERROR, 412: ERROR, 422: ERROR, 428: ERROR, 429: ERROR };

/** A policy and its signed changes (apps/api/src/policies). */
export const Policy = Type.Object({
  repositories: Type.String(),
  tags: Type.String(),
  rule: Type.Union([Type.Literal('immutable'), Type.Literal('protected'), Type.Literal('expire'), Type.Literal('retain')]),
});
export const PolicyWrite = Type.Object({ id: Type.String(), policy: Type.Union([Policy, Type.Null()]), version: Count, events: Type.Array(RecordedEvent) });
