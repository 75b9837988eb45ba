/** Prints what a reliability part tried and what held, as one line outside jest's console decoration. */
export function report(part: string, counts: Record<string, number | string>): void {
  process.stdout.write(
    `[reliability] ${part}: ${Object.entries(counts)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}\n`,
  );
}
