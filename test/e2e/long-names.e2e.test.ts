import { putTag } from '../support/fixtures';
import { startTestApp, type TestApp } from '../support/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

// Found by the HTTP fuzzing of the reliability suite: the router's parameter length limit answered these with 414.
describe('names and tags at their longest', () => {
  it('writes and reads a 255-character name with a 128-character tag', async () => {
    const name = `${'a'.repeat(120)}/${'b'.repeat(134)}`;
    const tag = 'T'.repeat(128);
    expect((await putTag(t.url, name, tag, 'long')).status).toBe(201);
    const read = await fetch(`${t.url}/v2/${name}/_tags/${tag}`);
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ name, tag, version: 1 });
  });

  it('answers a 129-character tag with 400 TAG_INVALID and the OCI body', async () => {
    const res = await putTag(t.url, 'long/app', 'T'.repeat(129), 'long');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ errors: [{ code: 'TAG_INVALID' }] });
  });
});
