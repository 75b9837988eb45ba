import { Command } from '@nestjs/cqrs';
import type { PolicyCommand as DomainPolicyCommand, PolicyState } from '@tag-history/domain';
import type { OperationResult, Writer } from '@tag-history/event-store';

/** Put or delete a policy: one decider, one stream per policy. */
export class PolicyCommand extends Command<OperationResult<PolicyState>> {
  constructor(
    readonly command: DomainPolicyCommand,
    readonly writer: Writer,
  ) {
    super();
  }
}
