import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { progressBar } from '../progress-bar';
import { baseUrl, ensureOk } from './api-client';

export interface GcReferencedOptions {
  url?: string;
  retention?: string;
  repository?: string;
  reasons?: boolean;
  output?: string;
}

/** Streams the referenced set to a file or stdout; a progress bar on stderr when it is a terminal. */
export async function gcReferenced(options: GcReferencedOptions): Promise<void> {
  const query = new URLSearchParams();
  if (options.retention) query.set('retention', options.retention);
  if (options.repository) query.set('repository', options.repository);
  if (options.reasons) query.set('reasons', 'true');
  const res = await ensureOk(await fetch(`${baseUrl(options.url)}/v2/_gc/referenced?${query}`));
  const out = options.output && options.output !== '-' ? createWriteStream(options.output) : process.stdout;
  // The total is unknown until the count line: the bar moves with the lines read.
  const progress = progressBar('referenced');
  let lines = 0;
  let bytes = 0;
  let last = '';
  try {
    for await (const chunk of res.body! as AsyncIterable<Uint8Array>) {
      if (!out.write(chunk)) await once(out, 'drain');
      bytes += chunk.length;
      for (const byte of chunk) if (byte === 10) lines++;
      progress.update(lines, undefined, `lines, ${(bytes / 2 ** 20).toFixed(1)} MiB`);
      last = (last + Buffer.from(chunk).toString('utf8')).slice(-200);
    }
  } finally {
    progress.end();
  }
  if (out !== process.stdout) await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  // The count line comes last; without it the stream broke off and the set is incomplete.
  const tail = last.trimEnd().split('\n').pop() ?? '';
  if (!/^\{"count":\d+\}$/.test(tail)) throw new Error('the referenced set ended early (no count line): do not sweep with it');
}
