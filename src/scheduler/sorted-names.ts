/** Names per chunk: inserting into a chunk shifts at most twice this many, however many names. */
const CHUNK = 512;

/**
 * A sorted set of names (in UTF-16 code-unit order, as `<` compares strings), for paging in
 * a stable order and for listing the names with a prefix, without sorting on every read.
 */
export class SortedNames {
  #chunks: string[][] = [];

  clone(): SortedNames {
    const copy = new SortedNames();
    copy.#chunks = this.#chunks.map((chunk) => chunk.slice());
    return copy;
  }

  add(name: string): void {
    if (this.#chunks.length === 0) {
      this.#chunks.push([name]);
      return;
    }
    const c = Math.min(this.#chunkFor(name), this.#chunks.length - 1);
    const chunk = this.#chunks[c] as string[];
    const at = lowerBound(chunk, name);
    if (chunk[at] === name) return;
    chunk.splice(at, 0, name);
    if (chunk.length > 2 * CHUNK) this.#chunks.splice(c + 1, 0, chunk.splice(CHUNK));
  }

  delete(name: string): void {
    const c = this.#chunkFor(name);
    const chunk = this.#chunks[c];
    if (chunk === undefined) return;
    const at = lowerBound(chunk, name);
    if (chunk[at] !== name) return;
    chunk.splice(at, 1);
    if (chunk.length === 0) this.#chunks.splice(c, 1);
  }

  clear(): void {
    this.#chunks = [];
  }

  /** Every name, in order. */
  all(): string[] {
    return this.#chunks.flat();
  }

  /** The names strictly after `after` (all of them when undefined), in order. */
  *after(after: string | undefined): Generator<string> {
    let c = after === undefined ? 0 : this.#chunkFor(after);
    let at = after === undefined ? 0 : lowerBound(this.#chunks[c] ?? [], after);
    if (after !== undefined && this.#chunks[c]?.[at] === after) at++;
    for (; c < this.#chunks.length; c++, at = 0) {
      const chunk = this.#chunks[c] as string[];
      for (; at < chunk.length; at++) yield chunk[at] as string;
    }
  }

  /** Calls `visit` with every name that starts with `prefix`, in order. */
  forEachWithPrefix(prefix: string, visit: (name: string) => void): void {
    for (let c = this.#chunkFor(prefix); c < this.#chunks.length; c++) {
      const chunk = this.#chunks[c] as string[];
      for (let at = lowerBound(chunk, prefix); at < chunk.length; at++) {
        const name = chunk[at] as string;
        if (!name.startsWith(prefix)) return;
        visit(name);
      }
    }
  }

  /** The first chunk whose last name is >= `name` (chunks.length when there is none). */
  #chunkFor(name: string): number {
    let lo = 0;
    let hi = this.#chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const chunk = this.#chunks[mid] as string[];
      if ((chunk[chunk.length - 1] as string) < name) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** The first position in sorted `list` whose element (or its `keyOf`) is >= `value`. */
export function lowerBound(list: readonly string[], value: string): number;
export function lowerBound<T>(
  list: readonly T[],
  value: string,
  keyOf: (item: T) => string,
): number;
export function lowerBound<T>(
  list: readonly T[],
  value: string,
  keyOf?: (item: T) => string,
): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const item = list[mid] as T;
    if ((keyOf ? keyOf(item) : (item as string)) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
