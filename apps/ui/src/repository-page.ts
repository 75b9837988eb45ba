import { api, apiOrMissing } from './api.js';
import { inBackground } from './in-background.js';
import { digestColour } from './colour.js';
import { announce, h, table } from './dom.js';
import { EVENT_LABELS, formatTime, href, repoPath, shortDigest } from './format.js';
import { followFeed } from './live-feed.js';
import { type Interval, placeCursor, timelineChart } from './timeline-chart.js';

interface Timeline {
  name: string;
  cursor: string;
  completeFrom: string | null;
  intervals: Interval[];
}

interface TagAt {
  target: { digest: string };
  version: number;
  updatedBy: string;
  updatedAt: string;
}

/** At most this many intervals per window (about one per two pixels of a wide screen): a tag with 100,000 moves opens as fast as one with ten. */
const WINDOW = 500;

function toLocalInput(t: number): string {
  return new Date(t).toISOString().slice(0, 16);
}

/** A repository: its tags now, the timeline of all of them, and a cursor that asks the point-in-time API. */
export async function repositoryPage(main: HTMLElement, name: string, signal: AbortSignal): Promise<void> {
  const state = { since: null as number | null, until: null as number | null, cursor: null as number | null };
  const tagsBox = h('section', { 'aria-labelledby': 'tags-heading' });
  const chartBox = h('div', { class: 'chart', id: 'chart' });
  const note = h('p', { class: 'muted', id: 'window-note' });
  const from = h('input', { id: 'zoom-from', type: 'datetime-local' });
  const to = h('input', { id: 'zoom-to', type: 'datetime-local' });
  const slider = h('input', { id: 'cursor', type: 'range', min: 0, max: 1000, step: 1, value: 1000 });
  const cursorTime = h('output', { id: 'cursor-time', for: 'cursor' });
  const targets = h('div', { id: 'cursor-box', 'aria-live': 'polite' });
  let view = { start: 0, end: 1 };
  let chart: SVGSVGElement | null = null;
  let width = 0;

  main.replaceChildren(
    h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, h('a', { href: href.repositories() }, 'Repositories'), ' / ', name),
    h('h1', {}, name),
    tagsBox,
    h(
      'section',
      { 'aria-labelledby': 'timeline-heading' },
      h('h2', { id: 'timeline-heading' }, 'Timeline'),
      h(
        'form',
        { class: 'zoom', onsubmit: (e) => (e.preventDefault(), zoomTo(Date.parse(`${from.value}Z`), Date.parse(`${to.value}Z`))) },
        h('label', { for: 'zoom-from' }, 'From (UTC)'),
        from,
        h('label', { for: 'zoom-to' }, 'To (UTC)'),
        to,
        h('button', { type: 'submit' }, 'Zoom to range'),
        h('button', { type: 'button', onclick: () => zoomBy(0.5) }, 'Zoom in'),
        h('button', { type: 'button', onclick: () => zoomBy(2) }, 'Zoom out'),
        h('button', { type: 'button', onclick: () => zoomTo(null, null) }, 'Everything'),
      ),
      note,
      chartBox,
      h('div', { class: 'cursor-control' }, h('label', { for: 'cursor' }, 'Time cursor'), slider, cursorTime),
      targets,
      h(
        'p',
        { class: 'legend muted' },
        'Each colour is one digest, the same in every lane. ● created or moved, ◆ restored, ✕ deleted. Tab to a marker for details, Enter opens the event.',
      ),
    ),
  );

  const zoomTo = (since: number | null, until: number | null) => {
    if (since !== null && until !== null && !(since < until)) return announce('The start of the range must be before its end.');
    state.since = since;
    state.until = until;
    inBackground(signal, draw);
  };
  const zoomBy = (factor: number) => {
    const middle = state.cursor ?? (view.start + view.end) / 2;
    const half = ((view.end - view.start) * factor) / 2;
    zoomTo(middle - half, Math.min(Date.now(), middle + half));
  };

  const showTargets = async (time: number) => {
    const at = new Date(time).toISOString();
    const lanes = [...(chart?.querySelectorAll<SVGGElement>('.lane') ?? [])].map((l) => l.dataset.tag!);
    // The point-in-time API answers for each lane; the chart's own intervals are not trusted for this.
    const answers = await Promise.all(
      lanes.map((tag) => apiOrMissing<TagAt>(`/v2/${repoPath(name)}/_tags/${encodeURIComponent(tag)}?at=${encodeURIComponent(at)}`, signal)),
    );
    if (state.cursor !== time) return;
    targets.replaceChildren(
      table(
        `What every tag pointed at on ${formatTime(at)}`,
        ['Tag', 'Target', 'Since', 'By'],
        lanes.map((tag, i) => {
          const a = answers[i];
          return h(
            'tr',
            { 'data-tag': tag, 'data-digest': a?.target.digest ?? '' },
            h('th', { scope: 'row' }, tag),
            h(
              'td',
              {},
              a
                ? [
                    h('span', { class: 'swatch', style: `background:${digestColour(a.target.digest)}` }),
                    h('a', { href: href.digest(name, a.target.digest), class: 'digest' }, shortDigest(a.target.digest)),
                  ]
                : 'did not exist',
            ),
            h('td', {}, a ? formatTime(a.updatedAt) : ''),
            h('td', {}, a ? a.updatedBy : ''),
          );
        }),
        { id: 'cursor-targets', 'data-at': at },
      ),
    );
  };
  let asking: ReturnType<typeof setTimeout> | undefined;
  const setCursor = (time: number) => {
    state.cursor = Math.round(time);
    slider.value = String(Math.round(((state.cursor - view.start) / (view.end - view.start)) * 1000));
    cursorTime.textContent = formatTime(new Date(state.cursor).toISOString());
    if (chart) placeCursor(chart, width, view, state.cursor);
    // The line follows at once; the API is asked once the cursor rests (a held arrow key sends many inputs).
    clearTimeout(asking);
    asking = setTimeout(() => inBackground(signal, () => showTargets(state.cursor!)), 120);
  };
  slider.addEventListener('input', () => setCursor(view.start + (Number(slider.value) / 1000) * (view.end - view.start)));

  let followed = false;
  const draw = async () => {
    const query = new URLSearchParams({ n: String(WINDOW) });
    if (state.since !== null) query.set('since', new Date(state.since).toISOString());
    if (state.until !== null) query.set('until', new Date(state.until).toISOString());
    const { body } = await api<Timeline>(`/v2/${repoPath(name)}/_timeline?${query}`, signal);
    renderTags(body.intervals);
    const now = Date.now();
    const first = Math.min(...body.intervals.map((i) => Date.parse(i.from.time)), now - 3600e3);
    const complete = body.completeFrom ? Date.parse(body.completeFrom) : null;
    const end = state.until ?? now;
    const start = Math.max(state.since ?? first - (end - first) * 0.02, complete ?? -Infinity);
    view = { start, end };
    from.value = toLocalInput(start);
    to.value = toLocalInput(end);
    note.textContent = complete
      ? `More than ${WINDOW} changes: showing the latest, complete from ${formatTime(body.completeFrom)}. Zoom to an earlier range to see more.`
      : '';
    width = Math.max(320, chartBox.clientWidth || main.clientWidth);
    chart = timelineChart(body.intervals, width, {
      start,
      end,
      cursor: state.cursor ?? end,
      onCursor: setCursor,
      onOpenEvent: (position) => (location.hash = href.event(position)),
    });
    chartBox.replaceChildren(chart);
    setCursor(Math.min(end, Math.max(start, state.cursor ?? end)));
    if (!followed) {
      followed = true;
      followFeed({ repository: name }, body.cursor, (e) => onLive(e.stream, e.type, e.actor), signal);
    }
  };

  let pending: ReturnType<typeof setTimeout> | undefined;
  const onLive = (stream: string, type: string, actor: string) => {
    announce(`${stream} ${EVENT_LABELS[type] ?? type} by ${actor}`);
    clearTimeout(pending);
    pending = setTimeout(() => inBackground(signal, draw), 150);
  };

  const renderTags = (intervals: Interval[]) => {
    const open = intervals.filter((i) => !i.to).sort((a, b) => (a.tag < b.tag ? -1 : 1));
    const gone = [...new Set(intervals.filter((i) => i.to?.type === 'TagDeleted').map((i) => i.tag))].filter((t) => !open.some((o) => o.tag === t));
    tagsBox.replaceChildren(
      ...[
        h('h2', { id: 'tags-heading' }, `Tags (${open.length})`),
        table(
          'Tags now',
          ['Tag', 'Target', 'Since', 'By'],
          open.map((i) =>
            h(
              'tr',
              { 'data-tag': i.tag },
              h('th', { scope: 'row' }, h('a', { href: href.tag(name, i.tag) }, i.tag)),
              h(
                'td',
                {},
                h('span', { class: 'swatch', style: `background:${digestColour(i.digest)}` }),
                h('a', { class: 'digest', href: href.digest(name, i.digest) }, shortDigest(i.digest)),
              ),
              h('td', {}, formatTime(i.from.time)),
              h('td', {}, i.from.actor),
            ),
          ),
          { id: 'tags' },
        ),
        gone.length
          ? h(
              'p',
              {},
              'Deleted: ',
              gone.map((t, k) => [k ? ', ' : '', h('a', { href: href.tag(name, t) }, t)]),
            )
          : null,
      ].filter((n): n is HTMLElement => n !== null),
    );
  };

  await draw();
}
