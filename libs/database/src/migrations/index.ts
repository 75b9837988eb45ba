import type { Migration } from 'kysely';
import * as eventLog from './0001-event-log';
import * as tagHistory from './0002-tag-history';
import * as feedAndIdempotency from './0003-feed-and-idempotency';
import * as gc from './0004-gc';
import * as auditAndKeyValidity from './0005-audit-and-key-validity';
import * as appendFunction from './0006-append-function';
import * as transparencyLog from './0008-transparency-log';
import * as registryWatch from './0009-registry-watch';
import * as tagPolicies from './0010-tag-policies';
import * as partitionedLog from './0011-partitioned-log';
import * as policiesInMemory from './0012-policies-in-memory';
import * as logArchive from './0013-log-archive';
import * as gcReferencedPage from './0014-gc-referenced-page';
import * as leanAppend from './0018-lean-append';
import * as hotIntervalClose from './0019-hot-interval-close';
import * as leanMoveRound from './0020-lean-move-round';

/** In order; the key is the name recorded in kysely_migration. */
export const migrations: Record<string, Migration> = {
  '0001-event-log': eventLog,
  '0002-tag-history': tagHistory,
  '0003-feed-and-idempotency': feedAndIdempotency,
  '0004-gc': gc,
  '0005-audit-and-key-validity': auditAndKeyValidity,
  '0006-append-function': appendFunction,
  '0008-transparency-log': transparencyLog,
  '0009-registry-watch': registryWatch,
  '0010-tag-policies': tagPolicies,
  '0011-partitioned-log': partitionedLog,
  '0012-policies-in-memory': policiesInMemory,
  '0013-log-archive': logArchive,
  '0014-gc-referenced-page': gcReferencedPage,
  '0018-lean-append': leanAppend,
  '0019-hot-interval-close': hotIntervalClose,
  '0020-lean-move-round': leanMoveRound,
};
