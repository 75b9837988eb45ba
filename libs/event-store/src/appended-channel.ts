/**
 * LISTEN on this channel to hear "the log now ends at position <payload>".
 * Appends notify it inside their transaction (commit-batch.ts), and Postgres
 * delivers a notification only at commit, so a listener never hears of
 * events it cannot read yet, nor of rolled-back ones.
 */
export const APPENDED_CHANNEL = 'tag_history_appended';
