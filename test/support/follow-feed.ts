import { request } from 'node:http';

export interface FeedItem {
  cursor: string;
  position: number;
  stream: string;
  version: number;
  type: string;
}

/** One page of GET /v2/_events. */
export async function readFeedPage(url: string, query: string): Promise<{ events: FeedItem[]; cursor: string }> {
  const res = await fetch(`${url}/v2/_events?${query}`);
  if (res.status !== 200) throw new Error(`feed answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as { events: FeedItem[]; cursor: string };
}

/**
 * Opens the feed as Server-Sent Events after `lastEventId` and hands every
 * event to `onEvent` until it returns false or `signal` aborts, then drops the connection.
 * node:http without an agent: fetch would keep a spare socket that holds the server's close.
 */
export function readEventStream(
  url: string,
  lastEventId: string | undefined,
  onEvent: (id: string, event: FeedItem) => boolean,
  signal?: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) };
    const req = request(`${url}/v2/_events`, { headers, agent: false }, (res) => {
      if (res.statusCode !== 200 || res.headers['content-type'] !== 'text/event-stream') {
        req.destroy();
        return reject(new Error(`event stream answered ${res.statusCode} ${res.headers['content-type']}`));
      }
      let buffer = '';
      res.setEncoding('utf8').on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const id = /^id: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (id === undefined || data === undefined) continue;
          if (!onEvent(id, JSON.parse(data) as FeedItem)) {
            req.destroy();
            return resolve();
          }
        }
      });
      res.on('end', resolve);
    });
    signal?.addEventListener('abort', () => {
      req.destroy();
      resolve();
    });
    req.on('error', reject).end();
  });
}
