import type { PolicySpec } from './policy';

export type PolicyCreated = { type: 'PolicyCreated'; data: { id: string; policy: PolicySpec } };
export type PolicyChanged = { type: 'PolicyChanged'; data: { id: string; from: PolicySpec; policy: PolicySpec } };
export type PolicyDeleted = { type: 'PolicyDeleted'; data: { id: string; from: PolicySpec } };

export type PolicyEvent = PolicyCreated | PolicyChanged | PolicyDeleted;
