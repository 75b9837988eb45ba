import { createServer, connect, type Server, type Socket } from 'node:net';

/** What the proxy counted since it started, over all connections. */
export interface WireCounts {
  /** Times a client sent a query or sync while it waited for no answer: round trips, pipelining counted once. */
  roundTrips: number;
  /** Statements: simple queries (`Q`) and executes of the extended protocol (`E`). */
  statements: number;
}

export interface RoundTripProxy {
  port: number;
  counts(): WireCounts;
  close(): Promise<void>;
}

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;

/**
 * A TCP proxy in front of Postgres that reads the frontend/backend protocol's
 * message headers (never the bodies) to count round trips and statements: what
 * pg_stat_statements would say, without `shared_preload_libraries`. A query
 * (`Q`) or sync (`S`) starts a round trip when the connection has no answer
 * outstanding; each ends at a ReadyForQuery (`Z`).
 */
export function startRoundTripProxy(host: string, port: number): Promise<RoundTripProxy> {
  const counts: WireCounts = { roundTrips: 0, statements: 0 };
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(port, host);
    sockets.add(client).add(upstream);
    let outstanding = 0;
    const fromServer = new Frames(false, (type) => {
      if (type === 0x5a /* Z */ && outstanding > 0) outstanding--;
    });
    const fromClient = new Frames(true, (type) => {
      if (type === 0x51 /* Q */ || type === 0x53 /* S */) {
        if (outstanding === 0) counts.roundTrips++;
        outstanding++;
      }
      if (type === 0x51 || type === 0x45 /* E */) counts.statements++;
    });
    fromClient.onUntyped = (code) => {
      // The server answers these with one untyped byte before anything else.
      if (code === SSL_REQUEST || code === GSSENC_REQUEST) fromServer.skip(1);
      return code === SSL_REQUEST || code === GSSENC_REQUEST;
    };
    client.on('data', (chunk: Buffer) => fromClient.feed(chunk));
    upstream.on('data', (chunk: Buffer) => fromServer.feed(chunk));
    client.pipe(upstream).pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.once('close', close).on('error', close);
    upstream.once('close', close).on('error', close);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      resolve({
        port: (server.address() as { port: number }).port,
        counts: () => ({ ...counts }),
        close: () => {
          for (const s of sockets) s.destroy();
          return new Promise<void>((r) => server.close(() => r()));
        },
      });
    });
  });
}

/** Splits one direction of a connection into messages, calling back with each message's type byte. */
class Frames {
  private readonly header = Buffer.alloc(8);
  private have = 0;
  private skipping = 0;
  /** For an untyped message (the startup packet, SSL and GSS requests): its code; true if another untyped one follows. */
  onUntyped: (code: number) => boolean = () => false;

  constructor(
    private untyped: boolean,
    private readonly onMessage: (type: number) => void,
  ) {}

  skip(bytes: number): void {
    this.skipping += bytes;
  }

  feed(chunk: Buffer): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.skipping > 0) {
        const n = Math.min(this.skipping, chunk.length - i);
        this.skipping -= n;
        i += n;
        continue;
      }
      // Untyped: length (4) and code (4); typed: type (1) and length (4), the length counting itself.
      const size = this.untyped ? 8 : 5;
      const n = Math.min(size - this.have, chunk.length - i);
      chunk.copy(this.header, this.have, i, i + n);
      this.have += n;
      i += n;
      if (this.have < size) continue;
      this.have = 0;
      if (this.untyped) {
        this.skipping = this.header.readInt32BE(0) - 8;
        this.untyped = this.onUntyped(this.header.readInt32BE(4));
      } else {
        this.skipping = this.header.readInt32BE(1) - 4;
        this.onMessage(this.header[0]!);
      }
    }
  }
}
