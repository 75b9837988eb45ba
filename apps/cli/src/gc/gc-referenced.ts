import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { baseUrl, ensureOk } from './api-client';

export const GC_REFERENCED_HELP = 'gc referenced [--retention P7D] [--repository name] [--reasons] [--output file] [--url base]';

/** Streams the referenced set to a file or stdout; a progress line on stderr when it is a terminal. */
export async function gcReferenced(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { url: { type: 'string' }, retention: { type: 'string' }, repository: { type: 'string' }, reasons: { type: 'boolean' }, output: { type: 'string', short: 'o' } },
  });
  const query = new URLSearchParams();
  if (values.retention) query.set('retention', values.retention);
  if (values.repository) query.set('repository', values.repository);
  if (values.reasons) query.set('reasons', 'true');
  const res = await ensureOk(await fetch(`${baseUrl(values.url)}/v2/_gc/referenced?${query}`));
  const out = values.output && values.output !== '-' ? createWriteStream(values.output) : process.stdout;
  const progress = process.stderr.isTTY ? new Progress() : undefined;
  let last = '';
  for await (const chunk of res.body! as AsyncIterable<Uint8Array>) {
    if (!out.write(chunk)) await once(out, 'drain');
    progress?.add(chunk);
    last = (last + Buffer.from(chunk).toString('utf8')).slice(-200);
  }
  progress?.done();
  if (out !== process.stdout) await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  // The count line comes last; without it the stream broke off and the set is incomplete.
  const tail = last.trimEnd().split('\n').pop() ?? '';
  if (!/^\{"count":\d+\}$/.test(tail)) throw new Error('the referenced set ended early (no count line): do not sweep with it');
}

class Progress {
  private lines = 0;
  private bytes = 0;
  private shown = 0;

  add(chunk: Uint8Array): void {
    this.bytes += chunk.length;
    for (const byte of chunk) if (byte === 10) this.lines++;
    if (Date.now() - this.shown > 100) this.show();
  }

  done(): void {
    this.show();
    process.stderr.write('\n');
  }

  private show(): void {
    this.shown = Date.now();
    const width = 30;
    // The total is unknown until the count line: the bar spins through the lines read.
    const at = Math.floor(this.lines / 1_000) % width;
    const bar = `${'='.repeat(at)}>${' '.repeat(width - at - 1)}`;
    process.stderr.write(`\r[${bar}] ${this.lines.toLocaleString('en')} lines, ${(this.bytes / 2 ** 20).toFixed(1)} MiB`);
  }
}
