import type { Measurement } from '../measurement';
import type { BenchResults, ResultRow } from '../results';

const ms = (n: number) => n.toFixed(2);
const rate = (n: number) => Math.round(n).toLocaleString('en-US');
const percent = (n: number) => `${(n * 100).toFixed(1)} %`;
const latency = (m: Measurement | undefined) => (m && (m.p50Ms !== 0 || m.p99Ms !== 0) ? `${ms(m.p50Ms)} / ${ms(m.p99Ms)}` : '');

/** The results table as Markdown: throughput ratio first, then each side's throughput and latencies; then the CPU profiles. */
export function toMarkdown(results: BenchResults): string {
  const lines = [
    `Run ${results.startedAt} on ${String(results.machine.cpus)} × ${String(results.machine.cpu)}, ${String(results.machine.postgres)}; ` +
      `load average ${String(results.machine.loadAverageStart)} at start, ${String(results.machine.loadAverageEnd)} at end. ` +
      'Raw baselines: pgbench `-M prepared` (the ratios), `-M simple` and node-pg beside it.',
    '',
    '| Workload | Clients | Ratio (service / baseline) | p50 ratio | Target | Service ops/s | Baseline ops/s | pgbench -M simple ops/s | raw (node-pg) ops/s | Service p50 / p99 ms | Baseline p50 / p99 ms | raw (node-pg) p50 / p99 ms | Service CPU µs/op | DB commits/op | DB round trips / statements per op | Baseline | Load (1 min) | Detail |',
    '|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---|',
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
  for (const p of results.profiles ?? []) {
    lines.push(
      '',
      `**CPU profile of the service: ${p.case}** (${rate(p.measurement.opsPerSec)} ops/s; ${p.seconds.toFixed(1)} s of samples, busy ${percent(p.busyShare)}; ` +
        `shares are of the busy time; \`${p.file}\`)`,
      '',
      '| Function (self time) | Where | ms | Share |',
      '|---|---|---:|---:|',
      ...p.functions.map((f) => `| \`${f.name}\` | ${f.where} | ${f.ms.toFixed(0)} | ${percent(f.share)} |`),
      '',
      '| Package, file or Node.js module | ms | Share |',
      '|---|---:|---:|',
      ...p.groups.map((g) => `| ${g.where} | ${g.ms.toFixed(0)} | ${percent(g.share)} |`),
    );
  }
  if (results.notes.length > 0) lines.push('', ...results.notes.map((n) => `- ${n}`));
  if (results.errors.length > 0) lines.push('', '**Errors**', '', ...results.errors.map((e) => `- ${e}`));
  return `${lines.join('\n')}\n`;
}

function row(r: ResultRow): string {
  const s = r.service;
  const cells = [
    r.case,
    String(r.clients),
    r.ratio !== undefined ? `${r.ratio.toFixed(2)}x` : '',
    r.p50Ratio ? `${r.p50Ratio.toFixed(1)}x` : '',
    r.target ? `${r.target.text}: ${r.target.met ? 'met' : '**missed**'}` : '',
    `${rate(s.opsPerSec)}${r.unit ? ` ${r.unit}s/s` : ''}`,
    r.raw ? rate(r.raw.opsPerSec) : '',
    r.rawSimple ? rate(r.rawSimple.opsPerSec) : '',
    r.rawNode ? rate(r.rawNode.opsPerSec) : '',
    latency(s),
    latency(r.raw),
    latency(r.rawNode),
    s.serviceCpuMicrosPerOp?.toFixed(0) ?? '',
    s.commitsPerOp?.toFixed(2) ?? '',
    r.wire ? `${r.wire.roundTripsPerOp.toFixed(2)} / ${r.wire.statementsPerOp.toFixed(2)}` : '',
    r.baseline ?? '',
    r.loadAverage ?? '',
    r.detail ?? '',
  ];
  return `| ${cells.join(' | ')} |`;
}
