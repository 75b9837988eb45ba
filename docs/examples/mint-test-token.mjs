#!/usr/bin/env node
// A stand-in token issuer for trying the service out: never use it in production.
//
//   node docs/examples/mint-test-token.mjs init  ./issuer        # key pair: issuer/private.jwk, issuer/jwks.json
//   node docs/examples/mint-test-token.mjs token ./issuer alice 'repository:team/app:pull,push' 'registry:catalog:*'
//
// Tokens are registry tokens (ES256): iss https://issuer.example, aud tag-history, valid for an hour.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT } from 'jose';

const [command, dir, sub, ...scopes] = process.argv.slice(2);
const ISSUER = process.env.AUTH_ISSUER ?? 'https://issuer.example';
const AUDIENCE = process.env.AUTH_AUDIENCE ?? 'tag-history';

if (command === 'init' && dir) {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = `test-${Date.now()}`;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'private.jwk'), JSON.stringify({ ...(await exportJWK(privateKey)), kid, alg: 'ES256' }), { mode: 0o600 });
  writeFileSync(join(dir, 'jwks.json'), JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' }] }, null, 2));
  console.log(`wrote ${join(dir, 'jwks.json')}: start the service with AUTH_JWKS=${join(dir, 'jwks.json')} AUTH_ISSUER=${ISSUER} AUTH_AUDIENCE=${AUDIENCE}`);
} else if (command === 'token' && dir && sub) {
  const jwk = JSON.parse(readFileSync(join(dir, 'private.jwk'), 'utf8'));
  // "repository:team/app:pull,push" -> {type: "repository", name: "team/app", actions: ["pull", "push"]}
  const access = scopes.map((scope) => {
    const first = scope.indexOf(':');
    const last = scope.lastIndexOf(':');
    return { type: scope.slice(0, first), name: scope.slice(first + 1, last), actions: scope.slice(last + 1).split(',') };
  });
  const token = await new SignJWT({ access })
    .setProtectedHeader({ alg: 'ES256', kid: jwk.kid, typ: 'JWT' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(sub)
    .setJti(crypto.randomUUID())
    .setIssuedAt()
    .setNotBefore('0s')
    .setExpirationTime('1h')
    .sign(await importJWK(jwk, 'ES256'));
  console.log(token);
} else {
  console.error('usage: mint-test-token.mjs init <dir> | token <dir> <sub> <type:name:actions>...');
  process.exit(2);
}
