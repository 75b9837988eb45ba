import { baseUrl, ensureOk } from './gc/api-client';
import { withProgress } from './progress-bar';

export interface ReconcileOptions {
  url?: string;
  repository?: string;
}

/** Asks the service to reconcile with its registry now (POST /v2/_reconcile) and prints the counts (JSON). */
export async function reconcileCommand(options: ReconcileOptions): Promise<void> {
  const query = options.repository ? `?${new URLSearchParams({ repository: options.repository })}` : '';
  // One request that answers when the reconcile is done: the bar shows it is under way.
  const counts = await withProgress('reconciling', async () => {
    const res = await ensureOk(await fetch(`${baseUrl(options.url)}/v2/_reconcile${query}`, { method: 'POST' }));
    return res.json();
  });
  console.log(JSON.stringify(counts));
}
