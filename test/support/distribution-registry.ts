import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { RegistryConfig } from '@tag-history/config';

/**
 * The real CNCF Distribution registry (Debian `docker-registry`, 2.8) on a
 * free port in a temp dir, with htpasswd users and, when asked, a
 * notification endpoint with a bearer header: the config the README gives.
 */
export interface DistributionRegistry {
  url: string;
  host: string;
  /** Stops it (SIGTERM, by pid) and starts it again on the same port and storage: its notification queue is lost. */
  restart(): Promise<void>;
  /** Stops it, runs `docker-registry garbage-collect` on its storage (output returned), starts it again. */
  garbageCollect(): Promise<string>;
  stop(): Promise<void>;
  logs(): string;
}

/** bcrypt hashes (htpasswd -nbB -C 5) of `<user>-pw`: Distribution takes bcrypt only. */
export const USERS: Record<string, string> = {
  alice: '$2y$05$s74ogIcRK920vceIHrdql.p1.zBBRKcERoV6Q/Qo.GP.bYfIyYiw6',
  bob: '$2y$05$nIpqal5JwSaqE5NcPTx0cuOLGfYZYVdmFYE.4VSTbvuEQN.4.pH.m',
  tagh: '$2y$05$TlEjPyCA4Voxwx1KX/t..eDkQj8ir8xTpFACCy6dzwPfIjalWwvrC',
};
export const password = (user: string) => `${user}-pw`;

/** What this service is configured with to watch the test registry on `port`: reading as `tagh`, quick checks, no periodic reconcile. */
export function watchConfig(port: number, notificationsToken: string, overrides: Partial<RegistryConfig> = {}): RegistryConfig {
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    username: 'tagh',
    password: password('tagh'),
    notificationsToken,
    reconcileIntervalMs: 0,
    checkDelayMs: 100,
    checkAttempts: 5,
    ...overrides,
  };
}

/** Polls until `condition` holds; fails naming `what` after `timeoutMs`. */
export async function eventually(what: string, condition: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !(await condition()); await new Promise((r) => setTimeout(r, 50))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
  }
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export function notificationsConfig(url: string, token: string): string {
  return `notifications:
  endpoints:
    - name: tag-history
      url: ${url}
      headers:
        Authorization: [Bearer ${token}]
      timeout: 1s
      threshold: 5
      backoff: 1s
      ignoredmediatypes: [application/octet-stream]
      ignore:
        actions: [pull, mount]
`;
}

export async function startDistributionRegistry(options: { port?: number; notify?: { url: string; token: string } } = {}): Promise<DistributionRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'tag-history-registry-'));
  const port = options.port ?? (await freePort());
  writeFileSync(
    join(dir, 'htpasswd'),
    Object.entries(USERS)
      .map(([u, h]) => `${u}:${h}\n`)
      .join(''),
  );
  writeFileSync(
    join(dir, 'config.yml'),
    `version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: ${join(dir, 'storage')}
  delete:
    enabled: true
http:
  addr: 127.0.0.1:${port}
  secret: tag-history-test-secret
auth:
  htpasswd:
    realm: tag-history-test
    path: ${join(dir, 'htpasswd')}
${options.notify ? notificationsConfig(options.notify.url, options.notify.token) : ''}`,
  );
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let output = '';
  const start = async () => {
    child = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    for (let i = 0; i < 200; i++) {
      if (child.exitCode !== null) throw new Error(`docker-registry exited: ${output}`);
      const up = await fetch(`${url}/v2/`).then(
        (r) => r.status === 401 || r.ok,
        () => false,
      );
      if (up) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`docker-registry did not start: ${output}`);
  };
  const stop = async () => {
    const running = child;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    process.kill(running.pid!, 'SIGTERM');
    await exited;
  };
  await start();
  return {
    url,
    host: `127.0.0.1:${port}`,
    restart: async () => {
      await stop();
      await start();
    },
    garbageCollect: async () => {
      await stop();
      const { stdout } = await exec('docker-registry', ['garbage-collect', join(dir, 'config.yml')]);
      await start();
      return stdout;
    },
    stop: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
    logs: () => output,
  };
}

const exec = promisify(execFile);

/** `skopeo copy` of an OCI layout into the registry, as `user`. */
export async function skopeoCopy(layout: string, registry: DistributionRegistry, reference: string, user: string): Promise<void> {
  await exec('skopeo', [
    'copy',
    '--all',
    '--quiet',
    '--dest-tls-verify=false',
    '--dest-creds',
    `${user}:${password(user)}`,
    `oci:${layout}`,
    `docker://${registry.host}/${reference}`,
  ]);
}

/** `skopeo copy --all` from the registry into a fresh OCI layout: every manifest and blob must be there. */
export async function skopeoPull(registry: DistributionRegistry, reference: string, layout: string): Promise<void> {
  await exec('skopeo', [
    'copy',
    '--all',
    '--quiet',
    '--src-tls-verify=false',
    '--src-creds',
    `tagh:${password('tagh')}`,
    `docker://${registry.host}/${reference}`,
    `oci:${layout}`,
  ]);
}

/** `skopeo delete` by tag or by digest (skopeo resolves a tag and deletes its manifest by digest). */
export async function skopeoDelete(registry: DistributionRegistry, reference: string, user: string): Promise<void> {
  await exec('skopeo', ['delete', '--tls-verify=false', '--creds', `${user}:${password(user)}`, `docker://${registry.host}/${reference}`]);
}

/** The registry's own answer: the digest `HEAD /v2/<name>/manifests/<tag>` names, or null. */
export async function registryDigest(registry: DistributionRegistry, name: string, tag: string): Promise<string | null> {
  const res = await fetch(`${registry.url}/v2/${name}/manifests/${tag}`, {
    method: 'HEAD',
    headers: {
      authorization: `Basic ${Buffer.from(`tagh:${password('tagh')}`).toString('base64')}`,
      accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json',
    },
  });
  if (res.status === 404) return null;
  if (!res.ok) throw new Error(`HEAD ${name}:${tag}: ${res.status}`);
  return res.headers.get('docker-content-digest');
}
