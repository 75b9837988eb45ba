import { PIN_EVENT_TYPES, type PinEvent, SWEEP_EVENT_TYPES, type SweepEvent } from '@tag-history/domain';
import type { RecordedEvent } from '@tag-history/event-store';

export type RecordedPinEvent = RecordedEvent & PinEvent;
export type RecordedSweepEvent = RecordedEvent & SweepEvent;

const PIN_TYPES = new Set<string>(PIN_EVENT_TYPES);
const SWEEP_TYPES = new Set<string>(SWEEP_EVENT_TYPES);

export function isPinEvent(event: Pick<RecordedEvent, 'type'>): event is RecordedPinEvent {
  return PIN_TYPES.has(event.type);
}

export function isSweepEvent(event: Pick<RecordedEvent, 'type'>): event is RecordedSweepEvent {
  return SWEEP_TYPES.has(event.type);
}
