import { parseArgs } from 'node:util';
import { baseUrl, ensureOk } from './gc/api-client';

export const RECONCILE_HELP = 'reconcile [--repository <name>] [--url base]';

/** Asks the service to reconcile with its registry now (POST /v2/_reconcile) and prints the counts. */
export async function reconcileCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { url: { type: 'string' }, repository: { type: 'string' } } });
  const query = values.repository ? `?${new URLSearchParams({ repository: values.repository })}` : '';
  const res = await ensureOk(await fetch(`${baseUrl(values.url)}/v2/_reconcile${query}`, { method: 'POST' }));
  console.log(JSON.stringify(await res.json()));
}
