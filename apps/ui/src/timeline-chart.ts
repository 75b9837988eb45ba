import { digestColour } from './colour.js';
import { h, svg } from './dom.js';
import { EVENT_LABELS, formatTime, shortDigest } from './format.js';

export interface TimelineEnd {
  version: number;
  position: number;
  time: string;
  actor: string;
  type: string;
}

export interface Interval {
  tag: string;
  digest: string;
  mediaType: string;
  size: number;
  from: TimelineEnd;
  to: TimelineEnd | null;
}

export interface ChartOptions {
  start: number;
  end: number;
  cursor: number;
  onCursor(time: number): void;
  onOpenEvent(position: number): void;
}

const LABEL = 120;
const LANE = 30;
const AXIS = 26;
const PAD = 12;

interface Marker {
  tag: string;
  type: string;
  time: number;
  position: number;
  actor: string;
  from: string | null;
  to: string | null;
}

/** A marker per create, move, restore and delete; `from` is the target the tag had before, when the window holds it. */
function markersOf(intervals: Interval[]): Marker[] {
  const byTagVersion = new Map(intervals.map((i) => [`${i.tag}\n${i.to?.version}`, i]));
  const markers: Marker[] = [];
  for (const i of intervals) {
    const before = byTagVersion.get(`${i.tag}\n${i.from.version}`);
    markers.push({
      tag: i.tag,
      type: i.from.type,
      time: Date.parse(i.from.time),
      position: i.from.position,
      actor: i.from.actor,
      from: before?.digest ?? null,
      to: i.digest,
    });
    if (i.to?.type === 'TagDeleted') {
      markers.push({ tag: i.tag, type: 'TagDeleted', time: Date.parse(i.to.time), position: i.to.position, actor: i.to.actor, from: i.digest, to: null });
    }
  }
  return markers;
}

function describe(m: Marker): string {
  const what = EVENT_LABELS[m.type] ?? m.type;
  return `${m.tag} ${what} by ${m.actor} at ${formatTime(new Date(m.time).toISOString())}, from ${shortDigest(m.from)} to ${shortDigest(m.to)}`;
}

function ticks(start: number, end: number, count: number): number[] {
  const steps = [60e3, 300e3, 900e3, 3600e3, 6 * 3600e3, 86400e3, 2 * 86400e3, 7 * 86400e3, 14 * 86400e3, 30 * 86400e3, 90 * 86400e3, 365 * 86400e3];
  const step = steps.find((s) => (end - start) / s <= count) ?? steps[steps.length - 1]!;
  const out: number[] = [];
  for (let t = Math.ceil(start / step) * step; t <= end; t += step) out.push(t);
  return out;
}

/**
 * One lane per tag, time across. Segments and markers carry data attributes
 * (tag, digest, type, position) so that tests and assistive tools read the
 * same facts the eye does. Markers take the keyboard focus and show their
 * tooltip on focus as on hover; Enter opens the event.
 */
export function timelineChart(intervals: Interval[], width: number, o: ChartOptions): SVGSVGElement {
  const tags = [...new Set(intervals.map((i) => i.tag))].sort();
  const height = AXIS + tags.length * LANE + PAD;
  const right = Math.max(LABEL + 40, width - PAD);
  const x = (t: number) => LABEL + ((t - o.start) / (o.end - o.start)) * (right - LABEL);
  const clampX = (t: number) => x(Math.min(o.end, Math.max(o.start, t)));
  const root = svg('svg', {
    class: 'timeline',
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    role: 'group',
    'aria-label': `Timeline of ${tags.length} tags from ${formatTime(new Date(o.start).toISOString())} to ${formatTime(new Date(o.end).toISOString())}`,
  });
  const axis = svg('g', { class: 'axis', 'aria-hidden': 'true' });
  for (const t of ticks(o.start, o.end, Math.max(2, Math.floor((right - LABEL) / 110)))) {
    axis.append(
      svg('line', { x1: x(t), x2: x(t), y1: AXIS - 4, y2: height - PAD }),
      svg('text', { x: x(t), y: AXIS - 10, 'text-anchor': 'middle' }, new Date(t).toISOString().slice(5, 16).replace('T', ' ')),
    );
  }
  root.append(axis);
  const lanes = new Map<string, SVGGElement>();
  tags.forEach((tag, index) => {
    const y = AXIS + index * LANE;
    const lane = svg(
      'g',
      { class: 'lane', 'data-tag': tag, role: 'group', 'aria-label': `tag ${tag}` },
      svg('text', { class: 'lane-label', x: 4, y: y + LANE / 2 + 4 }, tag),
    );
    lanes.set(tag, lane);
    root.append(lane);
  });
  for (const i of intervals) {
    const from = Date.parse(i.from.time);
    const to = i.to ? Date.parse(i.to.time) : o.end;
    if (to < o.start || from > o.end) continue;
    const y = AXIS + tags.indexOf(i.tag) * LANE + 6;
    const rect = svg('rect', {
      class: 'segment',
      x: clampX(from),
      y,
      width: Math.max(1, clampX(to) - clampX(from)),
      height: LANE - 12,
      fill: digestColour(i.digest),
      'data-tag': i.tag,
      'data-digest': i.digest,
      'data-from': i.from.time,
      'data-to': i.to?.time ?? '',
    });
    rect.append(svg('title', {}, `${i.tag} → ${shortDigest(i.digest)} from ${formatTime(i.from.time)} to ${i.to ? formatTime(i.to.time) : 'now'}`));
    lanes.get(i.tag)!.append(rect);
  }
  const tooltip = document.getElementById('tooltip')!;
  for (const m of markersOf(intervals)) {
    if (m.time < o.start || m.time > o.end) continue;
    const cx = x(m.time);
    const cy = AXIS + tags.indexOf(m.tag) * LANE + LANE / 2;
    const shape =
      m.type === 'TagDeleted'
        ? svg('path', { d: `M${cx - 5} ${cy - 5}L${cx + 5} ${cy + 5}M${cx + 5} ${cy - 5}L${cx - 5} ${cy + 5}` })
        : m.type === 'TagRestored'
          ? svg('path', { d: `M${cx} ${cy - 6}L${cx + 6} ${cy}L${cx} ${cy + 6}L${cx - 6} ${cy}Z` })
          : svg('circle', { cx, cy, r: 5 });
    const label = describe(m);
    const marker = svg(
      'g',
      {
        class: `marker marker-${(EVENT_LABELS[m.type] ?? 'other').toLowerCase()}`,
        tabindex: 0,
        role: 'link',
        'aria-label': label,
        'aria-describedby': 'tooltip',
        'data-tag': m.tag,
        'data-type': m.type,
        'data-position': m.position,
        'data-actor': m.actor,
      },
      shape,
    );
    const show = () => {
      tooltip.textContent = '';
      tooltip.append(
        h('strong', {}, `${m.tag} ${EVENT_LABELS[m.type] ?? m.type}`),
        h('span', {}, `by ${m.actor}`),
        h('span', {}, formatTime(new Date(m.time).toISOString())),
        h('span', {}, `from ${shortDigest(m.from)} to ${shortDigest(m.to)}`),
      );
      tooltip.hidden = false;
      const box = marker.getBoundingClientRect();
      tooltip.style.left = `${Math.min(window.scrollX + box.left, window.scrollX + document.documentElement.clientWidth - 240)}px`;
      tooltip.style.top = `${window.scrollY + box.bottom + 6}px`;
    };
    const hide = () => (tooltip.hidden = true);
    marker.addEventListener('mouseenter', show);
    marker.addEventListener('focus', show);
    marker.addEventListener('mouseleave', hide);
    marker.addEventListener('blur', hide);
    marker.addEventListener('click', (e) => (e.stopPropagation(), o.onOpenEvent(m.position)));
    marker.addEventListener('keydown', (e) => {
      if ((e as KeyboardEvent).key === 'Enter') o.onOpenEvent(m.position);
    });
    lanes.get(m.tag)!.append(marker);
  }
  const cursor = svg('line', { class: 'cursor', x1: x(o.cursor), x2: x(o.cursor), y1: AXIS - 4, y2: height - PAD, 'aria-hidden': 'true' });
  root.append(cursor);
  root.addEventListener('click', (e) => {
    const box = root.getBoundingClientRect();
    const px = ((e as MouseEvent).clientX - box.left) * (width / box.width);
    if (px < LABEL) return;
    o.onCursor(o.start + ((px - LABEL) / (right - LABEL)) * (o.end - o.start));
  });
  return root;
}

/** Moves the cursor line without redrawing the chart. */
export function placeCursor(chart: SVGSVGElement, width: number, o: Pick<ChartOptions, 'start' | 'end'>, time: number): void {
  const right = Math.max(LABEL + 40, width - PAD);
  const px = LABEL + ((time - o.start) / (o.end - o.start)) * (right - LABEL);
  const line = chart.querySelector('.cursor')!;
  line.setAttribute('x1', String(px));
  line.setAttribute('x2', String(px));
}
