export interface Progress {
  /** `total` undefined: the end is unknown, the bar moves with `done`. */
  update(done: number, total?: number, note?: string): void;
  end(): void;
}

const WIDTH = 30;
const NONE: Progress = { update: () => undefined, end: () => undefined };

/** A progress bar on stderr, drawn only when stderr is a terminal (never into a log file, a pipe or `--json` output). */
export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return NONE;
  const started = Date.now();
  let drawn = 0;
  let last = '';
  const draw = (done: number, total: number | undefined, note: string | undefined) => {
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    let bar: string;
    if (total === undefined) {
      // No end known: a marker that moves with the work done.
      const at = Math.floor(done / 1_000 + (Date.now() - started) / 250) % WIDTH;
      bar = `[${'.'.repeat(at)}#${'.'.repeat(WIDTH - at - 1)}] ${done.toLocaleString('en')}`;
    } else {
      const ratio = total > 0 ? Math.min(done / total, 1) : 1;
      const filled = Math.round(ratio * WIDTH);
      bar = `[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${done.toLocaleString('en')}/${total.toLocaleString('en')} ${Math.floor(ratio * 100)}%`;
    }
    const line = `${label} ${bar}${note ? ` ${note}` : ''} ${seconds} s`;
    stream.write(`\r${line}${' '.repeat(Math.max(0, last.length - line.length))}`);
    last = line;
  };
  let state: [number, number | undefined, string | undefined] = [0, undefined, undefined];
  // Work with no updates of its own (one HTTP call) still shows it is alive.
  const timer = setInterval(() => draw(...state), 250).unref();
  return {
    update(done, total, note) {
      state = [done, total, note];
      // Redrawing for every page would cost more than the work.
      if (Date.now() - drawn < 100 && (total === undefined || done < total)) return;
      drawn = Date.now();
      draw(done, total, note);
    },
    end() {
      clearInterval(timer);
      draw(...state);
      stream.write('\n');
    },
  };
}

/** Runs `work` with a bar; the bar ends however the work ends. */
export async function withProgress<T>(label: string, work: (progress: Progress) => Promise<T>, quiet = false): Promise<T> {
  const progress = quiet ? NONE : progressBar(label);
  try {
    return await work(progress);
  } finally {
    progress.end();
  }
}
