/** Runs at most `limit` tasks at once per key, and at most `total` overall. */
export class Limiter {
  private running = 0;
  private readonly perKey = new Map<string, number>();
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly total: number,
    private readonly limit: number,
  ) {}

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    while (this.running >= this.total || (this.perKey.get(key) ?? 0) >= this.limit) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.running++;
    this.perKey.set(key, (this.perKey.get(key) ?? 0) + 1);
    try {
      return await task();
    } finally {
      this.running--;
      const left = (this.perKey.get(key) ?? 1) - 1;
      if (left === 0) this.perKey.delete(key);
      else this.perKey.set(key, left);
      for (const wake of this.waiting.splice(0)) wake();
    }
  }
}
