/** What `--profile` writes into the results: where the service's CPU went during one case. */
export interface ProfileSummary {
  case: string;
  file: string;
  /** Seconds of samples inside the measured window (summed over threads), and the share of them the service was not idle. */
  seconds: number;
  busyShare: number;
  /** The top functions by self time, shares of the busy time. */
  functions: { name: string; where: string; ms: number; share: number }[];
  /** The same self time grouped by npm package, own file or Node.js module. */
  groups: { where: string; ms: number; share: number }[];
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

const TOP = 15;

/**
 * Self time per function of V8 `.cpuprofile`s (node --cpu-prof: one per thread,
 * so worker threads count too), counting only samples between `fromMicros` and
 * `toMicros`: V8's and process.hrtime's clocks are both CLOCK_MONOTONIC on
 * Linux, so the bench can cut the service's start and the warm-up out of it.
 */
export function summarizeProfile(name: string, file: string, profiles: CpuProfile[], fromMicros = 0, toMicros = Infinity): ProfileSummary {
  const self = new Map<CpuProfile['nodes'][number]['callFrame'], number>();
  let total = 0;
  for (const profile of profiles) {
    const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
    let at = profile.startTime;
    for (let i = 0; i < profile.samples.length; i++) {
      at += profile.timeDeltas[i]!;
      // A sample lasts until the next one.
      const lasted = profile.timeDeltas[i + 1] ?? 0;
      if (at < fromMicros || at > toMicros) continue;
      total += lasted;
      const frame = frames.get(profile.samples[i]!)!;
      self.set(frame, (self.get(frame) ?? 0) + lasted);
    }
  }
  const functions = new Map<string, { name: string; where: string; micros: number }>();
  const groups = new Map<string, number>();
  let busy = 0;
  for (const [frame, micros] of self) {
    if (frame.functionName === '(idle)') continue;
    busy += micros;
    const where = origin(frame.url);
    const line = frame.url === '' ? '' : `:${frame.lineNumber + 1}`;
    const key = `${frame.functionName} ${where}${line}`;
    const entry = functions.get(key) ?? { name: frame.functionName || '(anonymous)', where: `${where}${line}`, micros: 0 };
    entry.micros += micros;
    functions.set(key, entry);
    const group = frame.url === '' ? frame.functionName : where;
    groups.set(group, (groups.get(group) ?? 0) + micros);
  }
  const share = (micros: number) => (busy === 0 ? 0 : micros / busy);
  return {
    case: name,
    file,
    seconds: total / 1e6,
    busyShare: total === 0 ? 0 : busy / total,
    functions: [...functions.values()]
      .sort((a, b) => b.micros - a.micros)
      .slice(0, TOP)
      .map((f) => ({ name: f.name, where: f.where, ms: f.micros / 1000, share: share(f.micros) })),
    groups: [...groups]
      .sort((a, b) => b[1] - a[1])
      .slice(0, TOP)
      .map(([where, micros]) => ({ where, ms: micros / 1000, share: share(micros) })),
  };
}

/** An npm package (`pg`, `@nestjs/core`), a file of this repository (`libs/event-store/src/…`), or a Node.js module (`node:net`). */
function origin(url: string): string {
  const packages = url.split('/node_modules/');
  if (packages.length > 1) {
    const parts = packages.at(-1)!.split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  const own = /\/dist\/((?:apps|libs)\/.*)$/.exec(url);
  if (own) return own[1]!;
  return url.replace(/^file:\/\//, '');
}
