/**
 * Repository names contain slashes, which a router cannot match in the middle
 * of a path. Every service path puts a marker segment after the name (one
 * starting with "_", which no name component can), or ends with the OCI
 * "tags/list"; the name before it is folded into one percent-encoded
 * segment, so that routes read `v2/:name/_tags/:tag`.
 */
export function rewriteUrl(url: string): string {
  // The audit page's folder URL is its index; routes cannot tell `/ui` from `/ui/`.
  if (url === '/ui/' || url.startsWith('/ui/?')) return `/ui/index.html${url.slice(4)}`;
  // The API version check is `GET /v2/`; routes are matched without the trailing slash.
  if (url === '/v2/' || url.startsWith('/v2/?')) return `/v2${url.slice(4)}`;
  if (!url.startsWith('/v2/')) return url;
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const segments = path.slice('/v2/'.length).split('/');
  // A marker may come percent-encoded (`%5Ftags`): the router decodes it, so it is a marker here too.
  let end = segments.findIndex((s) => s.startsWith('_') || /^%5f/i.test(s));
  if (end === -1 && path.endsWith('/tags/list')) end = segments.length - 2;
  if (end <= 1) return url;
  const name = segments.slice(0, end).join('%2F');
  return `/v2/${[name, ...segments.slice(end)].join('/')}${q === -1 ? '' : url.slice(q)}`;
}
