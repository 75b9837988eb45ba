interface Entry<T> {
  answer: Promise<T>;
  bytes: number;
}

/**
 * Answers computed once per key and kept, least recently used out, within a
 * number of entries and of bytes (an answer's size is known once it settles).
 * Callers asking for a key being computed share that computation; a failure
 * is not kept.
 */
export class AnswerCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private bytes = 0;

  constructor(
    private readonly limits: { entries: number; bytes: number },
    private readonly sizeOf: (answer: T) => number,
  ) {}

  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }

  get(key: string, compute: () => Promise<T>): Promise<T> {
    const kept = this.entries.get(key);
    if (kept) {
      this.entries.delete(key);
      this.entries.set(key, kept);
      return kept.answer;
    }
    const entry: Entry<T> = { answer: compute(), bytes: 0 };
    this.entries.set(key, entry);
    entry.answer.then(
      (answer) => {
        if (this.entries.get(key) !== entry) return;
        entry.bytes = this.sizeOf(answer);
        this.bytes += entry.bytes;
        this.evict();
      },
      () => this.entries.get(key) === entry && this.remove(key),
    );
    this.evict();
    return entry.answer;
  }

  private evict(): void {
    for (const key of this.entries.keys()) {
      if (this.entries.size <= this.limits.entries && this.bytes <= this.limits.bytes) return;
      this.remove(key);
    }
  }

  private remove(key: string): void {
    this.bytes -= this.entries.get(key)?.bytes ?? 0;
    this.entries.delete(key);
  }
}
