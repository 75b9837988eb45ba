import { createReadStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { type EventJson, fromEventJson, KeyRing, LogVerifier, type RecordedEvent } from '@tag-history/signing';

/**
 * `verify-export <jwks.json> <events.ndjson>`: an auditor's offline check of
 * an NDJSON export of GET /v2/_audit against the JWKS from
 * /.well-known/jwks.json, with no access to the service or its database.
 */
export async function verifyExportCommand(jwksFile: string, eventsFile: string): Promise<void> {
  const keys = KeyRing.fromJwks(JSON.parse(readFileSync(jwksFile, 'utf8')));
  const events: RecordedEvent[] = [];
  for await (const line of createInterface({ input: createReadStream(eventsFile) })) {
    if (line.trim() === '') continue;
    events.push(fromEventJson(JSON.parse(line) as EventJson));
  }
  // The export is newest first; chains are checked oldest first.
  events.sort((a, b) => a.position - b.position);
  const verifier = new LogVerifier(keys, false);
  await verifier.add(events);
  const result = verifier.finish();
  console.log(JSON.stringify(result, null, 2));
  if (!result.ok) process.exitCode = 1;
}
