import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { RegistryClient, RegistryUnavailableError } from './registry-client';

const DIGEST = `sha256:${'c'.repeat(64)}`;
let server: Server;
let url: string;
const seen: { path: string; authorization?: string }[] = [];

/** A registry behind the token flow: a Bearer challenge, a realm that wants HTTP basic, pages of tags. */
function handle(req: IncomingMessage, res: ServerResponse): void {
  seen.push({ path: req.url!, authorization: req.headers.authorization });
  const u = new URL(req.url!, url);
  if (u.pathname === '/token') {
    const ok = req.headers.authorization === `Basic ${Buffer.from('reader:secret').toString('base64')}`;
    res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' }).end(JSON.stringify(ok ? { token: `t-${u.searchParams.get('scope')}` } : {}));
    return;
  }
  const scope = u.pathname.startsWith('/v2/_catalog') ? 'registry:catalog:*' : 'repository:team/app:pull';
  if (req.headers.authorization !== `Bearer t-${scope}`) {
    res.writeHead(401, { 'www-authenticate': `Bearer realm="${url}/token",service="test-registry",scope="${scope}"` }).end();
    return;
  }
  if (u.pathname === '/v2/team/app/manifests/latest') {
    res.writeHead(200, { 'docker-content-digest': DIGEST, 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'content-length': '501' }).end();
  } else if (u.pathname === '/v2/team/app/tags/list') {
    const last = u.searchParams.get('last');
    if (!last) res.writeHead(200, { link: '</v2/team/app/tags/list?n=2&last=b>; rel="next"' }).end(JSON.stringify({ tags: ['a', 'b'] }));
    else res.writeHead(200).end(JSON.stringify({ name: 'team/app', tags: ['c'] }));
  } else if (u.pathname === '/v2/_catalog') {
    res.writeHead(200).end(JSON.stringify({ repositories: ['team/app'] }));
  } else {
    res.writeHead(404).end();
  }
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

describe('RegistryClient', () => {
  it('follows a Bearer challenge to the realm with basic credentials, per scope, and reuses the token', async () => {
    const client = new RegistryClient({ url, username: 'reader', password: 'secret' });
    expect(await client.headTag('team/app', 'latest')).toEqual({ mediaType: 'application/vnd.oci.image.manifest.v1+json', size: 501, digest: DIGEST });
    expect(await client.headTag('team/app', 'missing')).toBeNull();
    expect(seen.filter((s) => s.path.startsWith('/token'))).toHaveLength(1);
    expect(seen.find((s) => s.path.startsWith('/token'))!.path).toContain('service=test-registry');
    expect(await client.listTags('team/app')).toEqual(['a', 'b', 'c']);
    expect(await client.catalog()).toEqual(['team/app']);
    expect(seen.filter((s) => s.path.startsWith('/token'))).toHaveLength(2);
  });

  it('fails as unavailable (to be retried) with wrong credentials or no registry', async () => {
    await expect(new RegistryClient({ url, username: 'reader', password: 'wrong' }).headTag('team/app', 'latest')).rejects.toBeInstanceOf(
      RegistryUnavailableError,
    );
    await expect(new RegistryClient({ url: 'http://127.0.0.1:9' }).headTag('team/app', 'latest')).rejects.toBeInstanceOf(RegistryUnavailableError);
  });
});
