import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { openApiPath } from '../../apps/api/src/http/openapi/openapi-document';
import { servedRoutes } from '../../apps/api/src/http/openapi/route-catalog';
import { putTag } from '../support/fixtures';
import { startTestApp, type TestApp } from '../support/test-app';

type Operation = { parameters: { name: string; in: string; required: boolean }[]; responses: Record<string, { content?: Record<string, { schema: object }> }> };
type Document = { openapi: string; paths: Record<string, Record<string, Operation>> };

let t: TestApp;
let doc: Document;
beforeAll(async () => {
  t = await startTestApp();
  await putTag(t.url, 'shop/web', 'prod', 'p1');
  const answer = await fetch(`${t.url}/v2/_openapi.json`);
  expect(answer.status).toBe(200);
  expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
  doc = (await answer.json()) as Document;
});
afterAll(() => t.close());

const operations = () => Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, op })));

describe('GET /v2/_openapi.json', () => {
  it('is an OpenAPI 3.1 document of every route the app serves, and of nothing else', () => {
    expect(doc.openapi).toBe('3.1.0');
    const served = servedRoutes(t.app.getHttpAdapter().getInstance());
    expect(served.length).toBeGreaterThan(30);
    const documented = operations().map((o) => `${o.method.toUpperCase()} ${o.path}`);
    expect(documented.sort()).toEqual(served.map((r) => `${r.method} ${openApiPath(r.url).path}`).sort());
  });

  it('names every path parameter, the query parameters a route parses and the headers it reads', () => {
    for (const { path, op } of operations()) {
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      expect(op.parameters.filter((p) => p.in === 'path').map((p) => p.name)).toEqual(inPath);
    }
    const put = doc.paths['/v2/{name}/_tags/{tag}']!.put!;
    expect(put.parameters.map((p) => `${p.in}:${p.name}`)).toEqual(
      expect.arrayContaining(['header:if-match', 'header:if-none-match', 'header:idempotency-key', 'header:content-type']),
    );
    expect(Object.keys(put.responses)).toEqual(expect.arrayContaining(['200', '201', '400', '401', '403', '404', '409', '412', '413', '415', '422', '503']));
    const audit = doc.paths['/v2/_audit']!.get!;
    expect(audit.parameters.map((p) => p.name)).toEqual(expect.arrayContaining(['repository', 'tag', 'actor', 'type', 'since', 'until', 'n', 'last']));
    const inclusion = doc.paths['/v2/_log/proof/inclusion']!.get!;
    expect(inclusion.parameters.map((p) => `${p.name}:${p.required}`)).toEqual(['position:true', 'size:false']);
  });

  it('documents every error with the OCI error body, and every schema compiles as JSON Schema 2020-12', () => {
    const ajv = addFormats(new Ajv2020({ strict: false }));
    for (const { path, method, op } of operations()) {
      for (const [status, response] of Object.entries(op.responses)) {
        for (const { schema } of Object.values(response.content ?? {})) expect(() => ajv.compile(schema)).not.toThrow();
        // /readyz answers its own status body with 503 (not ready is an answer there, not an error).
        if (Number(status) >= 400 && method !== 'head' && path !== '/readyz') {
          const errors = response.content?.['application/json']?.schema as { properties?: { errors?: unknown } } | undefined;
          expect({ path, method, status, documented: errors?.properties?.errors !== undefined }).toMatchObject({ documented: true });
        }
      }
    }
  });
});

describe('one date rule for every route', () => {
  // A date without a time names no instant: refused alike wherever a date-time is taken.
  it.each([
    '/v2/_audit?since=2026-01-31',
    '/v2/shop/web/_timeline?since=2026-01-31',
    '/v2/shop/web/_tags/prod?at=2026-01-31',
    '/v2/_resolve?reference=shop/web:prod&at=2026-01-31',
  ])('refuses %s with PARAMETER_INVALID', async (path) => {
    const answer = await fetch(`${t.url}${path}`);
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as { errors: { code: string }[] }).errors[0]!.code).toBe('PARAMETER_INVALID');
  });

  it.each(['/v2/_audit?since=2026-01-31T00:00:00Z', '/v2/shop/web/_timeline?since=2026-01-31T00:00:00Z'])('accepts %s', async (path) => {
    expect((await fetch(`${t.url}${path}`)).status).toBe(200);
  });
});
