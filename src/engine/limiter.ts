interface Waiter {
  key: string;
  start: () => void;
}

/**
 * Runs at most `limit` tasks at once per key, and at most `total` overall. Waiting tasks start
 * in arrival order, except that one whose key is at its limit lets later tasks of other keys
 * go first; a finished task wakes only the tasks it makes room for, so that thousands of
 * queued tasks cost O(1) each to start rather than one wake-up per finished task.
 */
export class Limiter {
  private running = 0;
  private readonly perKey = new Map<string, number>();
  /** Waiting tasks per key, in arrival order. */
  private readonly queues = new Map<string, Waiter[]>();
  /** Keys with waiting tasks, in the order their oldest waiting task arrived. */
  private readonly ready: string[] = [];
  private readonly listed = new Set<string>();

  constructor(
    private readonly total: number,
    private readonly limit: number,
  ) {}

  /** Tasks waiting for room. */
  get waiting(): number {
    let count = 0;
    for (const queue of this.queues.values()) count += queue.length;
    return count;
  }

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    if (!this.hasRoom(key) || this.queues.has(key)) {
      await new Promise<void>((start) => this.enqueue({ key, start }));
    } else {
      this.acquire(key);
    }
    try {
      return await task();
    } finally {
      this.release(key);
    }
  }

  private hasRoom(key: string): boolean {
    return this.running < this.total && (this.perKey.get(key) ?? 0) < this.limit;
  }

  private acquire(key: string): void {
    this.running++;
    this.perKey.set(key, (this.perKey.get(key) ?? 0) + 1);
  }

  private enqueue(waiter: Waiter): void {
    let queue = this.queues.get(waiter.key);
    if (queue === undefined) {
      queue = [];
      this.queues.set(waiter.key, queue);
    }
    queue.push(waiter);
    if (!this.listed.has(waiter.key)) {
      this.listed.add(waiter.key);
      this.ready.push(waiter.key);
    }
  }

  private release(key: string): void {
    this.running--;
    const left = (this.perKey.get(key) ?? 1) - 1;
    if (left === 0) this.perKey.delete(key);
    else this.perKey.set(key, left);
    this.wake();
  }

  /** Starts waiting tasks while there is room, in key order, skipping keys at their limit. */
  private wake(): void {
    let scanned = 0;
    while (this.running < this.total && scanned < this.ready.length) {
      const key = this.ready[scanned] as string;
      if ((this.perKey.get(key) ?? 0) >= this.limit) {
        scanned++;
        continue;
      }
      const queue = this.queues.get(key) as Waiter[];
      const waiter = queue.shift() as Waiter;
      if (queue.length === 0) {
        this.queues.delete(key);
        this.listed.delete(key);
        this.ready.splice(scanned, 1);
      }
      this.acquire(key);
      waiter.start();
    }
  }
}
