import { api } from './api.js';
import { inBackground } from './in-background.js';
import { h, table } from './dom.js';
import { formatTime, href } from './format.js';

interface Repository {
  name: string;
  tags: number;
  lastChange: string | null;
}

/** Every repository, searchable, with its tag count and last change. */
export async function repositoriesPage(main: HTMLElement, signal: AbortSignal): Promise<void> {
  const search = h('input', { id: 'search', type: 'search', autocomplete: 'off', placeholder: 'name contains…' });
  const results = h('div', { id: 'repositories' });
  main.replaceChildren(
    h('h1', {}, 'Repositories'),
    h('form', { class: 'search', role: 'search', onsubmit: (e) => e.preventDefault() }, h('label', { for: 'search' }, 'Search repositories'), search),
    results,
  );
  let generation = 0;
  const load = async (path: string, append: boolean) => {
    const mine = ++generation;
    const { body, next } = await api<{ repositories: Repository[] }>(path, signal);
    if (mine !== generation) return;
    const rows = body.repositories.map((r) =>
      h(
        'tr',
        { 'data-repository': r.name },
        h('th', { scope: 'row' }, h('a', { href: href.repository(r.name) }, r.name)),
        h('td', { class: 'num', 'data-tags': r.tags }, r.tags),
        h('td', {}, h('time', { datetime: r.lastChange ?? '' }, formatTime(r.lastChange))),
      ),
    );
    if (append) results.querySelector('tbody')!.append(...rows);
    else
      results.replaceChildren(
        rows.length
          ? table('Repositories with their tags now and their last change', ['Repository', 'Tags', 'Last change'], rows)
          : h('p', {}, 'No repository matches.'),
      );
    results.querySelector('.more')?.remove();
    if (next) results.append(h('button', { class: 'more', type: 'button', onclick: () => inBackground(signal, () => load(next, true)) }, 'More repositories'));
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => inBackground(signal, () => load(`/v2/_repositories?n=100&q=${encodeURIComponent(search.value)}`, false)), 200);
  });
  await load('/v2/_repositories?n=100', false);
}
