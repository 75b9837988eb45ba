import { authHeaders } from './api.js';

export interface FeedEvent {
  cursor: string;
  position: number;
  stream: string;
  version: number;
  type: string;
  data: Record<string, unknown>;
  actor: string;
  time: string;
  hash: string;
  prev: string | null;
  jws: string;
}

/**
 * Follows the change feed's Server-Sent Events from a cursor. Read with
 * fetch rather than EventSource, which cannot send the bearer token; on a
 * dropped stream it reconnects with Last-Event-ID, as EventSource would.
 */
export function followFeed(query: Record<string, string>, after: string, onEvent: (e: FeedEvent) => void, signal: AbortSignal): void {
  let last = after;
  const run = async (): Promise<void> => {
    while (!signal.aborted) {
      try {
        const response = await fetch(`/v2/_events?${new URLSearchParams(query)}`, {
          headers: authHeaders({ accept: 'text/event-stream', 'last-event-id': last }),
          signal,
        });
        // A token without the feed's scope gets a page that does not update itself, not a retry loop.
        if (response.status === 401 || response.status === 403) return;
        if (!response.ok || !response.body) throw new Error(`feed answered ${response.status}`);
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) !== -1) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data = block
              .split('\n')
              .filter((l) => l.startsWith('data:'))
              .map((l) => l.slice(5).trimStart())
              .join('\n');
            if (!data) continue;
            const event = JSON.parse(data) as FeedEvent;
            last = event.cursor;
            onEvent(event);
          }
        }
      } catch {
        if (signal.aborted) return;
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  };
  void run();
}
