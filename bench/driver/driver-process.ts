import type { Measurement } from '../measurement';
import { runFeed } from './feed-delay';
import { runHttp } from './http-load';
import type { LoadSpec } from './load-spec';
import { runRaw } from './raw-postgres';
import { runVisibility } from './visibility-delay';

/**
 * The load driver: a process of its own (forked by run-load.ts), so that load
 * generation never competes with the bench or the service for an event loop.
 * Receives one LoadSpec, answers one Measurement, exits.
 */
async function run(spec: LoadSpec, seconds: number): Promise<Measurement> {
  switch (spec.kind) {
    case 'http':
      return runHttp(spec, seconds);
    case 'pg':
      return runRaw(spec.url, spec.statement, spec.connections, seconds);
    case 'feed':
      return runFeed(spec, seconds);
    case 'visibility':
      return runVisibility(spec, seconds);
  }
}

process.once('message', (spec: LoadSpec) => {
  (async () => {
    if (spec.warmupSeconds > 0) await run(spec, spec.warmupSeconds);
    process.send!({ measuring: true });
    const measurement = await run(spec, spec.seconds);
    process.send!({ ok: true, measurement }, () => process.exit(0));
  })().catch((error: unknown) => {
    process.send!({ ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }, () => process.exit(1));
  });
});
