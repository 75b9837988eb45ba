import type pg from 'pg';

/**
 * Takes a text of whole lines. False ends the copy (its connection is closed
 * at once); a promise stops reading the database socket until it settles, so
 * that the server waits on a full socket instead of the service buffering.
 */
export type LineSink = (text: string) => boolean | Promise<boolean>;

// Lines are gathered into one reused buffer and handed on as one text this long, at most (one row longer goes alone).
const TEXT_BYTES = 64 * 1024;
// What `COPY ... (format binary)` starts with: an 11-byte signature, a flags word, the header extension's length.
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const HEADER = 19;
const [COPY_DATA, COPY_DONE, READY] = [0x64, 0x63, 0x5a];
// pg's read timeout covers the whole statement; a stream is bounded by its sink instead (the longest timer Node keeps).
const NO_READ_TIMEOUT = 2 ** 31 - 1;

/**
 * Streams the one text column of `select` (SQL without parameters) to `sink`
 * through `COPY (select) TO STDOUT (format binary)` on `client`; resolves to
 * the number of rows. The copy's messages are read straight off the socket
 * (pg's parser would make an object and a Buffer per row), their bytes
 * gathered into a reused buffer: Node allocates one text per 64 KB, and the
 * socket's read buffers are dropped as soon as they are read. Every other
 * message (the command's end, errors, notices) goes to pg as usual. Binary,
 * so that the lines arrive as they are, without text format's escapes.
 */
export function copyOutLines(client: pg.ClientBase, select: string, sink: LineSink): Promise<number> {
  return new Promise((resolve, reject) => {
    client.query(new CopyOut(`copy (${select}) to stdout (format binary)`, sink, (error, rows) => (error ? reject(error) : resolve(rows))));
  });
}

interface Connection {
  stream: NodeJS.ReadableStream & { destroy(): void };
  query(text: string): void;
}

/** A pg Submittable: pg calls `submit`, then the handle* methods for the messages it still parses. */
class CopyOut {
  readonly query_timeout = NO_READ_TIMEOUT;
  callback?: (error: Error | null) => void;
  private connection!: Connection;
  private pgData!: (chunk: Buffer) => void;
  private header = true;
  private rows = 0;
  private readonly text = Buffer.allocUnsafe(TEXT_BYTES);
  private textBytes = 0;
  // A message split between two socket reads, put together here (rarely more than a row).
  private carry = Buffer.allocUnsafe(1024);
  private carried = 0;
  /** Unread bytes of a socket read, kept while the sink asks to wait. */
  private held: Buffer | undefined;
  /** The sink asked to wait: the socket is paused. */
  private waiting = false;
  private stopped = false;
  private finished = false;

  constructor(
    private readonly sql: string,
    private readonly sink: LineSink,
    private readonly done: (error: Error | undefined, rows: number) => void,
  ) {}

  submit(connection: Connection): void {
    this.connection = connection;
    const listeners = connection.stream.listeners('data');
    if (listeners.length !== 1) throw new Error(`expected pg's one data listener on the socket, found ${listeners.length}`);
    this.pgData = listeners[0] as (chunk: Buffer) => void;
    connection.stream.off('data', this.pgData);
    connection.stream.on('data', this.onData);
    connection.query(this.sql);
  }

  handleReadyForQuery(): void {
    this.finish(undefined);
  }

  handleError(error: Error): void {
    this.finish(error);
  }

  handleCommandComplete(): void {}
  handleCopyInResponse(): void {
    this.finish(new Error('COPY TO STDOUT answered as a COPY FROM'));
  }
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}

  private finish(error: Error | undefined): void {
    if (this.finished) return;
    this.finished = true;
    this.callback?.(error ?? null);
    this.done(error, this.rows);
  }

  private readonly onData = (chunk: Buffer): void => {
    let offset = 0;
    if (this.carried > 0) {
      offset = this.completeCarried(chunk);
      if (this.carried > 0) return;
      if (!this.message(this.carry, 0, 1 + this.carry.readUInt32BE(1))) return this.handBack(chunk.subarray(offset));
      if (this.stopped) return;
      if (this.waiting) return void (this.held = chunk.subarray(offset));
    }
    this.read(chunk, offset);
  };

  /** Reads the whole messages of `chunk` from `offset`; stops where the sink asks to wait. */
  private read(chunk: Buffer, offset: number): void {
    while (offset + 5 <= chunk.length) {
      const end = offset + 1 + chunk.readUInt32BE(offset + 1);
      if (end > chunk.length) break;
      if (!this.message(chunk, offset, end)) return this.handBack(chunk.subarray(end));
      offset = end;
      if (this.stopped) return;
      if (this.waiting) {
        this.held = chunk.subarray(offset);
        return;
      }
    }
    this.carried = chunk.length - offset;
    if (this.carried > this.carry.length) this.carry = Buffer.allocUnsafe(this.carried);
    chunk.copy(this.carry, 0, offset);
  }

  /** Adds what the carried message lacks from the start of `chunk`; returns where its next message starts. */
  private completeCarried(chunk: Buffer): number {
    let offset = 0;
    if (this.carried < 5) {
      offset = Math.min(5 - this.carried, chunk.length);
      chunk.copy(this.carry, this.carried, 0, offset);
      this.carried += offset;
      if (this.carried < 5) return offset;
    }
    const size = 1 + this.carry.readUInt32BE(1);
    if (size > this.carry.length) {
      const larger = Buffer.allocUnsafe(size);
      this.carry.copy(larger, 0, 0, this.carried);
      this.carry = larger;
    }
    const taken = Math.min(size - this.carried, chunk.length - offset);
    chunk.copy(this.carry, this.carried, offset, offset + taken);
    this.carried += taken;
    if (this.carried === size) this.carried = 0;
    return offset + taken;
  }

  /** What came after the copy's last message (nothing, unless the server speaks first) is pg's. */
  private handBack(rest: Buffer): void {
    if (rest.length > 0) this.pgData(rest);
  }

  /** One message; false once pg has the socket back (after the copy's ReadyForQuery). */
  private message(buffer: Buffer, start: number, end: number): boolean {
    const code = buffer[start];
    if (code === COPY_DATA) return this.row(buffer, start + 5, end);
    if (code === COPY_DONE) this.flush();
    if (code === READY) {
      this.connection.stream.off('data', this.onData);
      this.connection.stream.on('data', this.pgData);
    }
    // Whole messages only, so pg's parser keeps nothing of these buffers.
    this.pgData(buffer.subarray(start, end));
    return code !== READY;
  }

  private row(buffer: Buffer, start: number, end: number): boolean {
    if (this.header) {
      if (!buffer.subarray(start, start + SIGNATURE.length).equals(SIGNATURE)) return this.fail(new Error('COPY sent no binary signature'));
      start += HEADER + buffer.readUInt32BE(start + 15);
      this.header = false;
    }
    const fields = buffer.readInt16BE(start);
    if (fields === -1) return true;
    const length = buffer.readInt32BE(start + 2);
    if (fields !== 1 || length < 0 || start + 6 + length !== end) return this.fail(new Error('COPY sent a row that is not one text'));
    this.rows++;
    if (length > TEXT_BYTES) this.give(this.taken() + buffer.toString('utf8', start + 6, end));
    else {
      if (this.textBytes + length > TEXT_BYTES) this.give(this.taken());
      this.textBytes += buffer.copy(this.text, this.textBytes, start + 6, end);
    }
    return true;
  }

  private flush(): void {
    if (this.textBytes > 0) this.give(this.taken());
  }

  /** The lines gathered so far, as one text (whole rows: no character is cut); the buffer is free again. */
  private taken(): string {
    const text = this.text.toString('utf8', 0, this.textBytes);
    this.textBytes = 0;
    return text;
  }

  private give(text: string): void {
    const taken = this.sink(text);
    if (taken === true) return;
    if (taken === false) return void this.stop();
    this.waiting = true;
    this.connection.stream.pause();
    void taken.then((going) => {
      this.waiting = false;
      if (!going) return this.stop();
      const held = this.held;
      this.held = undefined;
      if (held !== undefined) this.read(held, 0);
      if (!this.waiting && !this.stopped) this.connection.stream.resume();
    });
  }

  /** The reader is gone: the connection ends now, and its server process with it; pg reports the query failed. */
  private stop(): void {
    this.stopped = true;
    this.held = undefined;
    this.connection.stream.destroy();
  }

  private fail(error: Error): boolean {
    this.finish(error);
    this.stop();
    return true;
  }
}
