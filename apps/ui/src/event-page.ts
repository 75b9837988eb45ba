import { api } from './api.js';
import { h } from './dom.js';
import { EVENT_LABELS, formatTime, href } from './format.js';
import type { FeedEvent } from './live-feed.js';
import { type JwksKey, verifyEvent } from './verify-event.js';

/** One event: its decoded JWS and a badge this browser computes itself from the JWS texts and the JWKS. */
export async function eventPage(main: HTMLElement, position: number, signal: AbortSignal): Promise<void> {
  const [{ body }, { body: jwks }] = await Promise.all([
    api<{ event: FeedEvent; previous: FeedEvent | null }>(`/v2/_events/${position}`, signal),
    api<{ keys: JwksKey[] }>('/.well-known/jwks.json', signal),
  ]);
  const e = body.event;
  const result = await verifyEvent(e, body.previous, jwks.keys);
  const data = e.data as { repository?: string; tag?: string };
  main.replaceChildren(
    h(
      'nav',
      { class: 'crumbs', 'aria-label': 'Breadcrumb' },
      h('a', { href: href.repositories() }, 'Repositories'),
      ' / ',
      data.repository ? h('a', { href: href.repository(data.repository) }, data.repository) : e.stream,
      ' / ',
      data.repository && data.tag ? h('a', { href: href.tag(data.repository, data.tag) }, data.tag) : '',
      ' / event',
    ),
    h('h1', {}, `Event #${e.position}: ${e.stream} ${EVENT_LABELS[e.type] ?? e.type}`),
    h(
      'p',
      { id: 'badge', class: `badge ${result.verified ? 'ok' : 'bad'}`, 'data-verified': String(result.verified), role: 'status' },
      result.verified ? '✓ Verified in this browser' : '✗ Not verified',
    ),
    h(
      'ul',
      { class: 'checks', id: 'checks' },
      result.checks.map((c) =>
        h(
          'li',
          { 'data-check': c.name, 'data-ok': String(c.ok), class: c.ok === null ? 'na' : c.ok ? 'ok' : 'bad' },
          h('strong', {}, `${c.ok === null ? '–' : c.ok ? '✓' : '✗'} ${c.name}: `),
          c.detail,
        ),
      ),
    ),
    h('h2', {}, 'As stored'),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Stream'),
      h('dd', {}, e.stream, ` (version ${e.version})`),
      h('dt', {}, 'Actor'),
      h('dd', {}, e.actor),
      h('dt', {}, 'Time'),
      h('dd', {}, formatTime(e.time)),
      h('dt', {}, 'Hash'),
      h('dd', { class: 'digest' }, e.hash),
      h('dt', {}, 'Previous'),
      h('dd', { class: 'digest' }, body.previous ? h('a', { href: href.event(body.previous.position) }, e.prev ?? '') : (e.prev ?? 'none (first event)')),
    ),
    h('h3', {}, 'Stored data'),
    h('pre', { id: 'row-data', tabindex: 0 }, JSON.stringify(e.data, null, 2)),
    h('h2', {}, 'Decoded JWS'),
    h('h3', {}, 'Protected header'),
    h('pre', { id: 'jws-header', tabindex: 0 }, JSON.stringify(result.header, null, 2)),
    h('h3', {}, 'Signed payload'),
    h('pre', { id: 'jws-payload', tabindex: 0 }, JSON.stringify(result.payload, null, 2)),
    h('details', {}, h('summary', {}, 'Compact JWS'), h('pre', { class: 'wrap' }, e.jws)),
  );
}
