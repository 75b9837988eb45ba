import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';

/**
 * Sits between a registry and this service: forwards every notification,
 * then answers the registry 500 the first time it sees a body, so the real
 * registry delivers the same event (same id) again. Counts what it forwarded.
 */
export async function startRedeliveringProxy(target: () => string): Promise<{ url: string; forwarded: number; close(): Promise<void> }> {
  const seen = new Set<string>();
  const state = { forwarded: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const headers = { 'content-type': req.headers['content-type'] ?? '', authorization: req.headers.authorization ?? '' };
      fetch(`${target()}${req.url}`, { method: req.method, headers, body })
        .then(async (answer) => {
          state.forwarded++;
          const key = createHash('sha256').update(body).digest('hex');
          const first = !seen.has(key);
          seen.add(key);
          res.writeHead(first ? 500 : answer.status).end(await answer.text());
        })
        .catch(() => res.writeHead(502).end());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    get forwarded() {
      return state.forwarded;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
