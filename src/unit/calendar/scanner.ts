import { MICROSECONDS_PER_SECOND } from "./model.ts";

/** Why an expression was refused: one short sentence. */
export class CalendarSyntaxError extends Error {}

/** A field element as written, before normalization: `stop` -1 and `repeat` 0 when absent. */
export interface RawRange {
  start: number;
  stop: number;
  repeat: number;
}

/** Absent when the field was written `*`. */
export type RawField = RawRange[] | undefined;

// systemd keeps field values in a C int.
const INT_MAX = 2147483647;
// ... and refuses a field with more elements than this.
const MAX_ELEMENTS = 241;
// After an element only these may follow.
const ELEMENT_ENDS = new Set(["", " ", ",", "-", "~", ":"]);

export class Scanner {
  position = 0;

  constructor(readonly text: string) {}

  peek(ahead = 0): string {
    return this.text.charAt(this.position + ahead);
  }

  atEnd(): boolean {
    return this.position >= this.text.length;
  }

  rest(): string {
    return this.text.slice(this.position);
  }

  skipSpaces(): void {
    while (this.peek() === " ") this.position++;
  }

  fail(message: string): never {
    throw new CalendarSyntaxError(message);
  }

  unexpected(): never {
    const rest = this.rest();
    if (rest === "") this.fail(`"${this.text}" ends too early`);
    if (rest.startsWith(" ")) {
      const after = rest.trimStart();
      this.fail(after === "" ? "unexpected space" : `unexpected space before "${after}"`);
    }
    if (rest.startsWith("/") && this.text.charAt(this.position - 1) === "*") {
      this.fail(`"*${rest}": a repetition is written "0/N", not "*/N"`);
    }
    this.fail(`unexpected "${rest.length > 24 ? `${rest.slice(0, 24)}...` : rest}"`);
  }

  /**
   * A comma-separated list of elements, or `*`. Seconds (`micro`) are read in microseconds,
   * with up to six decimals, and their `*` is every whole second.
   */
  field(micro: boolean): RawField {
    if (this.peek() === "*") {
      this.position++;
      return micro ? [{ start: 0, stop: -1, repeat: MICROSECONDS_PER_SECOND }] : undefined;
    }
    const ranges: RawRange[] = [];
    for (;;) {
      if (ranges.length === MAX_ELEMENTS)
        this.fail(`a field lists more than ${MAX_ELEMENTS} values`);
      ranges.push(this.range(micro));
      if (this.peek() !== ",") return ranges;
      this.position++;
    }
  }

  private range(micro: boolean): RawRange {
    const start = this.number(micro);
    let stop = -1;
    let repeat = 0;
    if (this.peek() === "." && this.peek(1) === ".") {
      this.position += 2;
      stop = this.number(micro);
      repeat = micro ? MICROSECONDS_PER_SECOND : 1;
    }
    if (this.peek() === "/") {
      this.position++;
      repeat = this.number(micro);
      if (repeat === 0) this.fail("a repetition of 0 never advances");
    } else {
      if (start > INT_MAX - repeat) this.fail(`${start} is too large`);
      if (micro && stop >= 0 && start + repeat > stop) {
        this.fail(
          `the seconds range ${secondsText(start)}..${secondsText(stop)} spans less than a second`,
        );
      }
    }
    if (!ELEMENT_ENDS.has(this.peek())) this.unexpected();
    return { start, stop, repeat };
  }

  private number(micro: boolean): number {
    const digits = /^\d+/.exec(this.rest())?.[0];
    if (digits === undefined) this.unexpected();
    this.position += digits.length;
    let value = Number(digits);
    if (value > INT_MAX) this.fail(`${digits} is too large`);
    if (!micro) return value;
    value *= MICROSECONDS_PER_SECOND;
    if (this.peek() === "." && this.peek(1) !== ".") {
      this.position++;
      value += this.fraction();
    }
    if (value > INT_MAX) this.fail(`${secondsText(value)} seconds is too large`);
    return value;
  }

  /** Microseconds from decimals: the first six count, the seventh rounds, the rest are ignored. */
  private fraction(): number {
    const decimals = /^\d*/.exec(this.rest())?.[0] ?? "";
    if (decimals === "") this.fail("expected digits after the decimal point");
    this.position += decimals.length;
    const micro = Number(decimals.slice(0, 6).padEnd(6, "0"));
    return decimals.length > 6 && decimals.charAt(6) >= "5" ? micro + 1 : micro;
  }
}

/** Microseconds as seconds for messages: 1500000 is "1.5". */
export function secondsText(micro: number): string {
  return String(micro / MICROSECONDS_PER_SECOND);
}

/** systemd compares words byte by byte, ignoring the case of ASCII letters only. */
export function asciiLowerCase(text: string): string {
  return text.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}
