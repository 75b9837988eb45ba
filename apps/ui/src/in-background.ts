/**
 * Runs work a page started by itself (a redraw, a cursor answer, a click on "more") without awaiting it: once the page
 * is left, its signal aborts the fetches in flight, and their rejections are no one's error. Any other failure still
 * surfaces as an unhandled rejection, as it would have.
 */
export function inBackground(signal: AbortSignal, task: () => Promise<unknown>): void {
  void task().catch((error: unknown) => {
    if (!signal.aborted) throw error;
  });
}
