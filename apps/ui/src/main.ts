import { ApiError, token } from './api.js';
import { digestPage } from './digest-page.js';
import { announce, h } from './dom.js';
import { eventPage } from './event-page.js';
import { repositoriesPage } from './repositories-page.js';
import { repositoryPage } from './repository-page.js';
import { tagPage } from './tag-page.js';

const main = document.getElementById('main')!;
let current: AbortController | null = null;

/** Hash routes (#/r/<name>, #/t/<name>/<tag>, #/d/<name>/<digest>, #/e/<position>): one static page, any depth. */
async function route(): Promise<void> {
  const hash = location.hash || '#/';
  if (!hash.startsWith('#/')) return; // in-page anchors such as the skip link
  current?.abort();
  const controller = (current = new AbortController());
  const parts = hash.slice(2).split('/').map(decodeURIComponent);
  main.dataset.ready = 'false';
  renderAuth();
  try {
    if (parts[0] === 'r' && parts[1]) await repositoryPage(main, parts[1], controller.signal);
    else if (parts[0] === 't' && parts[1] && parts[2]) await tagPage(main, parts[1], parts[2], controller.signal);
    else if (parts[0] === 'd' && parts[1] && parts[2]) await digestPage(main, parts[1], parts[2], controller.signal);
    else if (parts[0] === 'e' && /^\d+$/.test(parts[1] ?? '')) await eventPage(main, Number(parts[1]), controller.signal);
    else await repositoriesPage(main, controller.signal);
    document.title = `${main.querySelector('h1')?.textContent ?? 'Audit'} · tag-history`;
    main.dataset.ready = 'true';
  } catch (error) {
    if (controller.signal.aborted) return;
    showError(error);
  }
}

function showError(error: unknown): void {
  main.dataset.ready = 'true';
  if (error instanceof ApiError && error.status === 401)
    return askForToken(token.get() ? 'The service refused the token (expired or invalid).' : 'This service needs a bearer token.');
  if (error instanceof ApiError && error.status === 403) {
    main.replaceChildren(
      h('h1', {}, 'Access denied'),
      h('p', { class: 'error', role: 'alert' }, error.message),
      h('button', { type: 'button', onclick: () => askForToken('Use another token.') }, 'Use another token'),
    );
    return;
  }
  main.replaceChildren(h('h1', {}, 'Something went wrong'), h('p', { class: 'error', role: 'alert' }, error instanceof Error ? error.message : String(error)));
}

function askForToken(reason: string): void {
  const input = h('input', { id: 'token', type: 'password', autocomplete: 'off', required: true, spellcheck: 'false' });
  main.replaceChildren(
    h('h1', {}, 'Sign in'),
    h('p', { role: 'alert' }, reason, ' It is kept in this tab only (session storage) and sent with every request.'),
    h(
      'form',
      { class: 'token', onsubmit: (e) => (e.preventDefault(), token.set(input.value), void route()) },
      h('label', { for: 'token' }, 'Bearer token'),
      input,
      h('button', { type: 'submit' }, 'Use token'),
    ),
  );
  input.focus();
}

function renderAuth(): void {
  const box = document.getElementById('auth')!;
  box.replaceChildren(
    token.get() ? h('button', { type: 'button', onclick: () => (token.clear(), announce('Token forgotten'), void route()) }, 'Forget token') : '',
  );
}

window.addEventListener('hashchange', () => {
  void route().then(() => main.focus({ preventScroll: true }));
});
void route();
