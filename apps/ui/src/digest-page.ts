import { api } from './api.js';
import { inBackground } from './in-background.js';
import { digestColour } from './colour.js';
import { h, table } from './dom.js';
import { formatTime, href, repoPath } from './format.js';

interface EventRef {
  version: number;
  position: number;
  time: string;
  actor: string;
}

interface TagIntervals {
  tag: string;
  intervals: { from: EventRef; to: EventRef | null }[];
}

/** A digest: every tag of the repository that ever pointed at it, with each interval. */
export async function digestPage(main: HTMLElement, name: string, digest: string, signal: AbortSignal): Promise<void> {
  const first = await api<{ tags: TagIntervals[] }>(`/v2/${repoPath(name)}/_digests/${encodeURIComponent(digest)}/tags?history=true&n=100`, signal);
  const body = h('div', { id: 'digest-tags' });
  main.replaceChildren(
    h(
      'nav',
      { class: 'crumbs', 'aria-label': 'Breadcrumb' },
      h('a', { href: href.repositories() }, 'Repositories'),
      ' / ',
      h('a', { href: href.repository(name) }, name),
      ' / digest',
    ),
    h('h1', { class: 'digest-title' }, h('span', { class: 'swatch big', style: `background:${digestColour(digest)}` }), h('span', { class: 'digest' }, digest)),
    body,
  );
  const rows = (tags: TagIntervals[]) =>
    tags.flatMap((t) =>
      t.intervals.map((i) =>
        h(
          'tr',
          { 'data-tag': t.tag, 'data-open': i.to ? 'false' : 'true' },
          h('th', { scope: 'row' }, h('a', { href: href.tag(name, t.tag) }, t.tag)),
          h('td', {}, h('a', { href: href.event(i.from.position) }, formatTime(i.from.time)), ` by ${i.from.actor} (version ${i.from.version})`),
          h('td', {}, i.to ? [h('a', { href: href.event(i.to.position) }, formatTime(i.to.time)), ` by ${i.to.actor}`] : h('strong', {}, 'now')),
        ),
      ),
    );
  body.append(table('Every tag that pointed at this digest, and when', ['Tag', 'From', 'Until'], rows(first.body.tags), { id: 'digest-table' }));
  const more = (next: string | null) => {
    body.querySelector('.more')?.remove();
    if (next) {
      body.append(
        h(
          'button',
          {
            class: 'more',
            type: 'button',
            onclick: () =>
              inBackground(signal, async () => {
                const page = await api<{ tags: TagIntervals[] }>(next, signal);
                body.querySelector('tbody')!.append(...rows(page.body.tags));
                more(page.next);
              }),
          },
          'More tags',
        ),
      );
    }
  };
  more(first.next);
}
