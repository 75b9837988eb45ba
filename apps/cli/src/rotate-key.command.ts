import { renameSync, writeFileSync } from 'node:fs';
import { connect, migrate } from '@tag-history/database';
import { registerSigningKey } from '@tag-history/event-store';
import { generateSigningJwk, loadSigningKey } from '@tag-history/signing';
import type { Config } from '@tag-history/config';

/**
 * `rotate-key`: a new signing key replaces the one in the key file. The old
 * public key stays in the JWKS with the time range it signed in; its private
 * key is gone. Stop every instance first and start them after: an instance
 * still signing with the retired key would write events that do not verify.
 */
export async function rotateKeyCommand(config: Config, options: { json?: boolean }): Promise<void> {
  if (config.signingKey.kind !== 'file') {
    throw new Error('SIGNING_KEY holds the key inline: rotate by setting SIGNING_KEY_FILE (or unsetting SIGNING_KEY) first');
  }
  const path = config.signingKey.path;
  const jwk = await generateSigningJwk();
  const key = await loadSigningKey({ kind: 'jwk', json: JSON.stringify(jwk) });
  // Written aside first: the key file changes only once the database knows the new key.
  const pending = `${path}.new`;
  writeFileSync(pending, `${JSON.stringify(jwk)}\n`, { mode: 0o600 });
  const { db } = connect(config.storage);
  try {
    await migrate(db);
    await registerSigningKey(db, key);
  } finally {
    await db.destroy();
  }
  renameSync(pending, path);
  if (options.json) console.log(JSON.stringify({ kid: key.kid, path }));
  else console.log(`signing key is now ${key.kid} (${path}); restart the service to sign with it`);
}
