import type { BenchResults, ResultRow } from '../results';

const ms = (n: number) => n.toFixed(2);
const rate = (n: number) => Math.round(n).toLocaleString('en-US');

/** The results table as Markdown: throughput ratio first, then both sides' throughput and latencies. */
export function toMarkdown(results: BenchResults): string {
  const lines = [
    `Run ${results.startedAt} on ${String(results.machine.cpus)} × ${String(results.machine.cpu)}, ${String(results.machine.postgres)}; ` +
      `load average ${String(results.machine.loadAverageStart)} at start, ${String(results.machine.loadAverageEnd)} at end.`,
    '',
    '| Workload | Clients | Ratio (service / baseline) | Target | Service ops/s | Baseline ops/s | Service p50 / p99 ms | Baseline p50 / p99 ms | Service CPU µs/op | DB commits/op | Baseline | Detail |',
    '|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---|---|',
    ...results.rows.map(row),
  ];
  if (results.series.length > 0) {
    lines.push('', '| Log size (events) | ' + results.series.map((s) => `${s.name} µs/op`).join(' | ') + ' |');
    lines.push('|---:|' + results.series.map(() => '---:|').join(''));
    const sizes = [...new Set(results.series.flatMap((s) => s.points.map((p) => p.events)))].sort((a, b) => a - b);
    for (const size of sizes) {
      const cells = results.series.map((s) => s.points.find((p) => p.events === size)?.microsPerOp.toFixed(0) ?? '');
      lines.push(`| ${rate(size)} | ${cells.join(' | ')} |`);
    }
  }
  if (results.notes.length > 0) lines.push('', ...results.notes.map((n) => `- ${n}`));
  if (results.errors.length > 0) lines.push('', '**Errors**', '', ...results.errors.map((e) => `- ${e}`));
  return `${lines.join('\n')}\n`;
}

function row(r: ResultRow): string {
  const target = r.target ? `${r.target.text}: ${r.target.met ? 'met' : '**missed**'}` : '';
  const ops = `${rate(r.service.opsPerSec)}${r.unit ? ` ${r.unit}s/s` : ''}`;
  const raw = r.raw ? [rate(r.raw.opsPerSec), `${ms(r.raw.p50Ms)} / ${ms(r.raw.p99Ms)}`] : ['', ''];
  return `| ${r.case} | ${r.clients} | ${r.ratio !== undefined ? `${r.ratio.toFixed(2)}x` : ''} | ${target} | ${ops} | ${raw[0]} | ${r.service.p50Ms === 0 && r.service.p99Ms === 0 ? '' : `${ms(r.service.p50Ms)} / ${ms(r.service.p99Ms)}`} | ${raw[1]} | ${r.service.serviceCpuMicrosPerOp?.toFixed(0) ?? ''} | ${r.service.commitsPerOp?.toFixed(2) ?? ''} | ${r.baseline ?? ''} | ${r.detail ?? ''} |`;
}
