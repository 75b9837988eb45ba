/** Command-line options of `npm run bench -- [options]`. */
export interface BenchOptions {
  /** Every workload, small enough for CI; fails only on errors. */
  quick: boolean;
  /** Seconds per measured run. */
  seconds: number;
  /** Alternating raw/service rounds per comparison; their sums give the ratio. */
  rounds: number;
  /** Log sizes (events) for the scaling curves. */
  sizes: number[];
  /** Numbers of current tags the GC referenced set is streamed with. */
  gcTags: number[];
  /** Only these workloads (by name); all when empty. */
  only: string[];
  /** Run the service with --cpu-prof, profiles written under bench/results/profiles. */
  cpuProf: boolean;
  /** Profile the service (a second process, --cpu-prof) during the 32-client moves and summarise it in the results. */
  profile: boolean;
  /** Keep the benchmark database afterwards (its name is printed). */
  keep: boolean;
  /** Admin URL of the Postgres server the fresh benchmark database is created on. */
  adminUrl: string;
}

const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): BenchOptions {
  const flags = new Map<string, string>();
  for (const arg of argv) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match) throw new Error(`unknown argument ${arg}; see docs/benchmarks.md`);
    flags.set(match[1]!, match[2] ?? 'true');
  }
  const known = ['quick', 'seconds', 'rounds', 'sizes', 'gc-tags', 'only', 'cpu-prof', 'profile', 'keep'];
  const unknown = [...flags.keys()].filter((k) => !known.includes(k));
  if (unknown.length > 0) throw new Error(`unknown option --${unknown[0]}; known: ${known.map((k) => `--${k}`).join(' ')}`);
  const quick = flags.has('quick');
  return {
    quick,
    seconds: number(flags.get('seconds') ?? (quick ? '1' : '5')),
    rounds: number(flags.get('rounds') ?? (quick ? '1' : '3')),
    sizes: (flags.get('sizes') ?? (quick ? '1e4' : '1e4,1e5,1e6')).split(',').map(number),
    gcTags: (flags.get('gc-tags') ?? (quick ? '1e4' : '1e4,1e5,1e6')).split(',').map(number),
    only: flags.get('only')?.split(',').filter(Boolean) ?? [],
    cpuProf: flags.has('cpu-prof'),
    profile: flags.has('profile'),
    keep: flags.has('keep'),
    adminUrl: env.BENCH_ADMIN_URL ?? env.DATABASE_URL ?? DEFAULT_ADMIN_URL,
  };
}

function number(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`expected a positive number, got "${text}"`);
  return Math.round(value);
}
