/** The longest page of a history, whichever route pages it. */
export const MAX_HISTORY_PAGE = 1_000;
