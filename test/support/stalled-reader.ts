import { type ChildProcess, spawn } from 'node:child_process';

/** A client that asks for the referenced set with a 2 KB receive buffer and never reads: the stream stalls at once. */
export function stalledReader(url: string): ChildProcess {
  const { hostname, port } = new URL(url);
  const script = `
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
s.connect((sys.argv[1], int(sys.argv[2])))
s.sendall(b"GET /v2/_gc/referenced?reasons=true HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n")
time.sleep(120)
`;
  return spawn('python3', ['-c', script, hostname, port], { stdio: 'ignore' });
}
