import { assertDigest, assertRepositoryName, type DigestsByRepository, TagHistoryError } from '@tag-history/domain';
import type { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { mediaType } from '../http/request-body';

export const NDJSON = 'application/x-ndjson';
export const MAX_LINES = 1_000_000;
const MAX_LINE_BYTES = 4_096;

export interface ManifestLines {
  /** Distinct (repository, digest) pairs. */
  count: number;
  byRepository: DigestsByRepository;
}

/**
 * Reads `{"repository","digest"}` lines from an NDJSON body as it arrives
 * (the body is not size-limited like JSON bodies; lines are, and their
 * number). An error names the line at fault.
 */
export async function readManifestLines(body: unknown, contentType: string | undefined): Promise<ManifestLines> {
  if (mediaType(contentType) !== NDJSON || !isReadable(body)) {
    throw new TagHistoryError('UNSUPPORTED', `content type must be ${NDJSON}`, { contentType: contentType ?? null });
  }
  const sets = new Map<string, Set<string>>();
  let count = 0;
  let lineNumber = 0;
  const take = (bytes: Buffer) => {
    lineNumber++;
    const text = bytes.toString('utf8').trim();
    if (text === '') return;
    if (lineNumber > MAX_LINES) {
      throw new TagHistoryError('TOO_MANY_CANDIDATES', `at most ${MAX_LINES} lines per request`, { line: lineNumber, max: MAX_LINES });
    }
    const { repository, digest } = parseLine(text, lineNumber);
    let digests = sets.get(repository);
    if (!digests) sets.set(repository, (digests = new Set()));
    if (!digests.has(digest)) count++;
    digests.add(digest);
  };
  let rest = Buffer.alloc(0);
  for await (const chunk of body) {
    let buffer = rest.length === 0 ? (chunk as Buffer) : Buffer.concat([rest, chunk as Buffer]);
    for (let newline = buffer.indexOf(10); newline !== -1; newline = buffer.indexOf(10)) {
      take(buffer.subarray(0, newline));
      buffer = buffer.subarray(newline + 1);
    }
    if (buffer.length > MAX_LINE_BYTES) throw invalid(lineNumber + 1, `line is longer than ${MAX_LINE_BYTES} bytes`);
    rest = Buffer.from(buffer);
  }
  if (rest.length > 0) take(rest);
  return { count, byRepository: Object.fromEntries([...sets].map(([repository, digests]) => [repository, [...digests]])) };
}

/**
 * As readManifestLines; when it refuses the body before its end, the
 * connection closes after the answer, so that the client stops uploading
 * the rest (up to a million lines) into a body nobody reads.
 */
export async function readManifestBody(body: unknown, contentType: string | undefined, reply: FastifyReply): Promise<ManifestLines> {
  try {
    return await readManifestLines(body, contentType);
  } catch (error) {
    if (isReadable(body) && !body.readableEnded) void reply.header('connection', 'close');
    throw error;
  }
}

function parseLine(text: string, line: number): { repository: string; digest: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw invalid(line, `not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(line, 'must be a JSON object {"repository","digest"}');
  const extra = Object.keys(value).filter((k) => k !== 'repository' && k !== 'digest');
  if (extra.length > 0) throw invalid(line, `unknown field: ${extra.join(', ')}`);
  const { repository, digest } = value as Record<string, unknown>;
  try {
    assertRepositoryName(repository);
    assertDigest(digest);
  } catch (error) {
    const e = error as TagHistoryError;
    throw new TagHistoryError(e.code, `line ${line}: ${e.message}`, { line, ...(e.detail as object) });
  }
  return { repository, digest };
}

function invalid(line: number, message: string): TagHistoryError {
  return new TagHistoryError('BODY_INVALID', `line ${line}: ${message}`, { line });
}

function isReadable(body: unknown): body is Readable {
  return typeof (body as Readable | undefined)?.[Symbol.asyncIterator] === 'function' && !Buffer.isBuffer(body);
}
