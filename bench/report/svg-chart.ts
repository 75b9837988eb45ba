import type { Series } from '../results';

const WIDTH = 720;
const HEIGHT = 420;
const MARGIN = { left: 70, right: 20, top: 40, bottom: 110 };
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Cost per operation against log size: x is log10(events), y is µs per operation from 0. */
export function toSvg(series: Series[], title: string): string {
  const points = series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.microsPerOp));
  if (points.length === 0) return '';
  const xs = points.map((p) => Math.log10(p.events));
  // Always at least the range, 10^4 to 10^7 events, so that sizes not run show as such.
  const [xMin, xMax] = [Math.min(4, Math.floor(Math.min(...xs))), Math.max(7, Math.ceil(Math.max(...xs)))];
  const yMax = niceCeiling(Math.max(...points.map((p) => p.microsPerOp)) * 1.1);
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (events: number) => MARGIN.left + ((Math.log10(events) - xMin) / (xMax - xMin)) * plotW;
  const y = (v: number) => MARGIN.top + plotH - (v / yMax) * plotH;

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="22" text-anchor="middle" font-size="14">${escape(title)}</text>`,
  ];
  for (let e = xMin; e <= xMax; e++) {
    const px = x(10 ** e);
    parts.push(`<line x1="${px}" y1="${MARGIN.top}" x2="${px}" y2="${MARGIN.top + plotH}" stroke="#ddd"/>`);
    parts.push(`<text x="${px}" y="${MARGIN.top + plotH + 18}" text-anchor="middle">10^${e}</text>`);
  }
  for (let i = 0; i <= 5; i++) {
    const v = (yMax / 5) * i;
    parts.push(`<line x1="${MARGIN.left}" y1="${y(v)}" x2="${MARGIN.left + plotW}" y2="${y(v)}" stroke="#ddd"/>`);
    parts.push(`<text x="${MARGIN.left - 8}" y="${y(v) + 4}" text-anchor="end">${Math.round(v)}</text>`);
  }
  parts.push(`<text x="${MARGIN.left + plotW / 2}" y="${MARGIN.top + plotH + 38}" text-anchor="middle">events in the log</text>`);
  parts.push(`<text transform="translate(18 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">µs per operation (wall clock / operations)</text>`);
  parts.push(`<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`);

  series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length]!;
    const dash = s.reference ? ' stroke-dasharray="6 4"' : '';
    const sorted = [...s.points].filter((p) => Number.isFinite(p.microsPerOp)).sort((a, b) => a.events - b.events);
    const path = sorted.map((p, j) => `${j === 0 ? 'M' : 'L'}${x(p.events).toFixed(1)},${y(p.microsPerOp).toFixed(1)}`).join(' ');
    parts.push(`<path d="${path}" fill="none" stroke="${colour}" stroke-width="2"${dash}/>`);
    for (const p of sorted) parts.push(`<circle cx="${x(p.events).toFixed(1)}" cy="${y(p.microsPerOp).toFixed(1)}" r="3" fill="${colour}"/>`);
    const lx = MARGIN.left + (i % 2) * (plotW / 2);
    const ly = HEIGHT - 48 + Math.floor(i / 2) * 18;
    parts.push(`<line x1="${lx}" y1="${ly - 4}" x2="${lx + 24}" y2="${ly - 4}" stroke="${colour}" stroke-width="2"${dash}/>`);
    parts.push(`<text x="${lx + 30}" y="${ly}">${escape(s.name)}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

function niceCeiling(value: number): number {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 2.5, 5, 10].find((s) => s * magnitude >= value)!;
  return step * magnitude;
}
