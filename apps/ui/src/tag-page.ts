import { api, apiOrMissing } from './api.js';
import { inBackground } from './in-background.js';
import { digestColour } from './colour.js';
import { h, table } from './dom.js';
import { EVENT_LABELS, formatTime, href, repoPath, shortDigest } from './format.js';

interface Target {
  digest: string;
}

interface TagEvent {
  version: number;
  position: number;
  type: string;
  previous: Target | null;
  target: Target | null;
  restoredVersion?: number;
  actor: string;
  time: string;
  jws: string;
  provenance?: string;
}

/** Where an event came from. Everything is written through the API today; events that say otherwise are shown as they say. */
function provenance(e: TagEvent): string {
  if (e.provenance) return e.provenance;
  try {
    const payload = JSON.parse(atob(e.jws.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { data?: { jws?: unknown; source?: string } };
    if (payload.data?.source) return payload.data.source;
    return payload.data?.jws ? 'API, client-signed' : 'API';
  } catch {
    return 'API';
  }
}

function digestCell(name: string, target: Target | null) {
  if (!target) return h('td', {}, '—');
  return h(
    'td',
    {},
    h('span', { class: 'swatch', style: `background:${digestColour(target.digest)}` }),
    h('a', { class: 'digest', href: href.digest(name, target.digest) }, shortDigest(target.digest)),
  );
}

/** A tag: where it points now, its aliases, and its history table, a page at a time. */
export async function tagPage(main: HTMLElement, name: string, tag: string, signal: AbortSignal): Promise<void> {
  const base = `/v2/${repoPath(name)}/_tags/${encodeURIComponent(tag)}`;
  const [current, aliases, first] = await Promise.all([
    apiOrMissing<{ target: Target; version: number; updatedAt: string; updatedBy: string }>(base, signal),
    apiOrMissing<{ aliases: string[] }>(`${base}/aliases`, signal),
    api<{ events: TagEvent[] }>(`${base}/history?n=100`, signal),
  ]);
  const body = h('div', { id: 'history' });
  main.replaceChildren(
    h(
      'nav',
      { class: 'crumbs', 'aria-label': 'Breadcrumb' },
      h('a', { href: href.repositories() }, 'Repositories'),
      ' / ',
      h('a', { href: href.repository(name) }, name),
      ' / ',
      tag,
    ),
    h('h1', {}, `${name}:${tag}`),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Now'),
      h(
        'dd',
        { id: 'current' },
        current
          ? [
              h('span', { class: 'swatch', style: `background:${digestColour(current.target.digest)}` }),
              h('a', { class: 'digest', href: href.digest(name, current.target.digest) }, current.target.digest),
              ` (version ${current.version}, ${formatTime(current.updatedAt)} by ${current.updatedBy})`,
            ]
          : 'deleted',
      ),
      h('dt', {}, 'Aliases'),
      h(
        'dd',
        { id: 'aliases' },
        aliases && aliases.aliases.length ? aliases.aliases.map((a, i) => [i ? ', ' : '', h('a', { href: href.tag(name, a) }, a)]) : 'none',
      ),
      h('dt', {}, 'Policies'),
      h('dd', {}, 'none defined'),
    ),
    h('h2', {}, 'History'),
    body,
  );
  const rows = (events: TagEvent[]) =>
    events.map((e) =>
      h(
        'tr',
        { 'data-version': e.version, 'data-type': e.type },
        h('td', { class: 'num' }, e.version),
        h('td', {}, h('time', { datetime: e.time }, formatTime(e.time))),
        h('td', {}, e.actor),
        h('td', {}, EVENT_LABELS[e.type] ?? e.type, e.restoredVersion !== undefined ? ` (restores version ${e.restoredVersion})` : ''),
        digestCell(name, e.previous),
        digestCell(name, e.target),
        h('td', {}, provenance(e)),
        h('td', {}, h('a', { href: href.event(e.position), 'aria-label': `event at position ${e.position}, verify` }, `#${e.position}`)),
      ),
    );
  body.append(
    table(`History of ${tag}, newest first`, ['Version', 'Time', 'Actor', 'Event', 'From', 'To', 'Provenance', 'Event'], rows(first.body.events), {
      id: 'history-table',
    }),
  );
  const more = (next: string | null) => {
    body.querySelector('.more')?.remove();
    if (!next) return;
    body.append(
      h(
        'button',
        {
          class: 'more',
          type: 'button',
          onclick: () =>
            inBackground(signal, async () => {
              const page = await api<{ events: TagEvent[] }>(next, signal);
              body.querySelector('tbody')!.append(...rows(page.body.events));
              more(page.next);
            }),
        },
        'Older events',
      ),
    );
  };
  more(first.next);
}
