/** A progress bar on stderr, drawn only when stderr is a terminal (never into a log file or pipe). */
export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr): { update(done: number, total: number): void; end(): void } {
  if (!stream.isTTY) return { update: () => undefined, end: () => undefined };
  let drawn = 0;
  const draw = (done: number, total: number) => {
    const ratio = total > 0 ? Math.min(done / total, 1) : 1;
    const width = 30;
    const filled = Math.round(ratio * width);
    stream.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${Math.floor(ratio * 100)}%`);
  };
  return {
    update(done, total) {
      // Redrawing for every page would cost more than verifying it.
      if (Date.now() - drawn < 100 && done < total) return;
      drawn = Date.now();
      draw(done, total);
    },
    end: () => stream.write('\n'),
  };
}
