/** A set of strings kept in sorted order, for stable paging without sorting on every read. */
export class SortedNames {
  private readonly names: string[] = [];

  get size(): number {
    return this.names.length;
  }

  add(name: string): void {
    const at = this.search(name);
    if (this.names[at] !== name) this.names.splice(at, 0, name);
  }

  delete(name: string): void {
    const at = this.search(name);
    if (this.names[at] === name) this.names.splice(at, 1);
  }

  clear(): void {
    this.names.length = 0;
  }

  /** The names strictly after `after` (all of them when undefined), in order. */
  *after(after: string | undefined): Generator<string> {
    let index = 0;
    if (after !== undefined) {
      index = this.search(after);
      if (this.names[index] === after) index++;
    }
    for (; index < this.names.length; index++) yield this.names[index] as string;
  }

  all(): readonly string[] {
    return this.names;
  }

  /** The index of the first name not less than `name`. */
  private search(name: string): number {
    let low = 0;
    let high = this.names.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.names[middle] as string) < name) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
