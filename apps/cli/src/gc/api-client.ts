import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';

/** The service's base URL: --url, else TAG_HISTORY_URL, else the default listen address. */
export function baseUrl(url: string | undefined): string {
  return (url ?? process.env.TAG_HISTORY_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
}

/** Fails with the OCI error the service answered, so the operator reads its code and message. */
export async function ensureOk(res: Response): Promise<Response> {
  if (res.ok) return res;
  const text = await res.text();
  let detail = text;
  try {
    const error = (JSON.parse(text) as { errors: { code: string; message: string }[] }).errors[0]!;
    detail = `${error.code}: ${error.message}`;
  } catch {
    // not an OCI body; show it as it came
  }
  throw new Error(`${res.status} ${detail}`);
}

/** An NDJSON request body from a file, or stdin for "-", streamed rather than read into memory. */
export function ndjsonBody(path: string): RequestInit {
  const stream = path === '-' ? process.stdin : createReadStream(path);
  return { body: Readable.toWeb(stream) as ReadableStream, headers: { 'content-type': 'application/x-ndjson' }, duplex: 'half' } as RequestInit;
}
