import { TagHistoryError } from '../errors/tag-history-error';
import type { TagCommand } from './tag-command';
import type { TagEvent } from './tag-event';
import type { TagProvenance } from './tag-provenance';
import type { TagState } from './tag-state';
import { sameTarget } from './target';

export function decide(command: TagCommand, state: TagState): TagEvent[] {
  const { repository, tag } = command.data;
  assertExpectedVersion(command.data.expectedVersion, state);
  switch (command.type) {
    case 'PutTag': {
      const { target, createOnly, mustExist, jws, expiresAt } = command.data;
      if (state.target === null && mustExist) throw unknownTag(repository, tag);
      // The client's signature and the change's provenance travel with the event they describe.
      const signed = { ...(jws ? { jws } : {}), ...provenanceOf(command), ...(expiresAt !== undefined ? { expiresAt } : {}) };
      if (state.target === null) {
        return [{ type: 'TagCreated', data: { repository, tag, target, ...signed } }];
      }
      if (createOnly) {
        throw new TagHistoryError('PRECONDITION_FAILED', `tag ${repository}:${tag} already exists`, {
          version: state.version,
        });
      }
      // A move to where the tag already points is a retry, not a change.
      if (sameTarget(state.target, target)) return [];
      return [{ type: 'TagMoved', data: { repository, tag, from: state.target, target, ...signed } }];
    }
    case 'DeleteTag': {
      if (state.target === null) throw unknownTag(repository, tag);
      const { policy } = command.data;
      return [{ type: 'TagDeleted', data: { repository, tag, from: state.target, ...provenanceOf(command), ...(policy ? { policy } : {}) } }];
    }
    case 'RestoreTag': {
      const { restoredVersion, target } = command.data;
      if (restoredVersion < 1 || restoredVersion > state.version) {
        throw new TagHistoryError('VERSION_UNKNOWN', `tag ${repository}:${tag} has no version ${restoredVersion}`, {
          restoredVersion,
          version: state.version,
        });
      }
      if (sameTarget(state.target, target)) return [];
      return [{ type: 'TagRestored', data: { repository, tag, restoredVersion, from: state.target, target } }];
    }
    default: {
      const unknown: never = command;
      throw new Error(`unknown tag command ${JSON.stringify(unknown)}`);
    }
  }
}

function provenanceOf(command: TagCommand): { provenance?: TagProvenance } {
  return 'provenance' in command.data && command.data.provenance ? { provenance: command.data.provenance } : {};
}

function unknownTag(repository: string, tag: string): TagHistoryError {
  return new TagHistoryError('TAG_UNKNOWN', `tag ${repository}:${tag} does not exist`, { name: repository, tag });
}

function assertExpectedVersion(expected: number | undefined, state: TagState): void {
  if (expected !== undefined && expected !== state.version) {
    throw new TagHistoryError('PRECONDITION_FAILED', `expected version ${expected}, but the tag is at version ${state.version}`, {
      expectedVersion: expected,
      version: state.version,
    });
  }
}
