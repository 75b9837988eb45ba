import { Module } from '@nestjs/common';
import { auditQueryHandlers } from '../queries';
import { ArchivedHeadsController } from './archived-heads/archived-heads.controller';
import { AuditLogController } from './audit-log/audit-log.controller';
import { VerifyLogController } from './verify-log/verify-log.controller';

/** Reading and checking the signed log: the audit trail and its verification. */
@Module({ controllers: [AuditLogController, VerifyLogController, ArchivedHeadsController], providers: [...auditQueryHandlers] })
export class AuditModule {}
