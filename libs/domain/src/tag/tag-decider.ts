import type { Decider } from '../decider/decider';
import { decide } from './decide';
import { evolve } from './evolve';
import type { TagCommand } from './tag-command';
import type { TagEvent } from './tag-event';
import { initialTagState, type TagState } from './tag-state';

export const tagDecider: Decider<TagCommand, TagEvent, TagState> = { decide, evolve, initialState: initialTagState };
