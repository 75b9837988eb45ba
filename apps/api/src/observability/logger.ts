import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { LoggerService } from '@nestjs/common';
import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * Where a secret could reach a log line if someone logs a request or a
 * config object: censored by pino before the line is written. The request
 * line itself (request-log.ts) never holds headers.
 */
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  '*.password',
  '*.token',
  '*.notificationsToken',
  '*.metricsToken',
  'password',
  'token',
];

/**
 * JSON lines on stdout (or `destination`), at `level`. Written off the event
 * loop: a synchronous write per request line cost a tenth of a tag move's CPU
 * (docs/benchmarks.md). Lines still pending are flushed at exit; a SIGKILL
 * loses at most those.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    { level, redact: { paths: REDACT, censor: '[redacted]' }, base: { pid: process.pid } },
    destination ?? (level === 'silent' ? pino.destination({ dest: 1, sync: false }) : bufferedStdout()),
  );
}

/** Lines leave by the few kilobytes, and at most FLUSH_MS after they were logged. */
const BUFFER_BYTES = 4096;
const FLUSH_MS = 250;

/**
 * One write per line was one trip through libuv's thread pool per request at
 * 1 client, about 5 % of a move's CPU (docs/benchmarks.md); buffered, lines
 * wait at most FLUSH_MS.
 */
function bufferedStdout(): DestinationStream {
  const stdout = pino.destination({ dest: 1, sync: false, minLength: BUFFER_BYTES });
  const timer = setInterval(() => {
    try {
      stdout.flush();
    } catch {
      // Destroyed (the process is exiting): its exit handler has written what was left.
      clearInterval(timer);
    }
  }, FLUSH_MS).unref();
  stdout.once('close', () => clearInterval(timer));
  return stdout;
}

// What a caller may choose as its request id: printable, no spaces, short enough to log and echo.
const REQUEST_ID = /^[\x21-\x7e]{1,128}$/;

/** The caller's `X-Request-Id` when it is a sensible one, else a new UUID. */
export function requestId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

// Nest's start-up lines for each module and route: debug, not info.
const START_UP = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory']);

/** Nest's own messages (start-up, warnings of the modules) as JSON lines of the same logger. */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.logger[context && START_UP.has(context) ? 'debug' : 'info']({ context }, String(message));
  }

  error(message: unknown, trace?: string, context?: string): void {
    if (message instanceof Error) return void this.logger.error({ context, err: message }, message.message);
    this.logger.error({ context, ...(trace ? { stack: trace } : {}) }, String(message));
  }

  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }

  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }

  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
}
