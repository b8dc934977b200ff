export type OutputFormat = "table" | "json";

interface Stream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/**
 * Where a command's words go. Results go to stdout; with `-o json` stdout holds one JSON
 * document and nothing else, so the human messages move to stderr. A progress line is
 * drawn on stderr only when it is a terminal: a pipe or a CI log never sees one.
 */
export class Output {
  private progressShown = false;

  constructor(
    readonly format: OutputFormat,
    private readonly stdout: Stream = process.stdout,
    private readonly stderr: Stream = process.stderr,
  ) {}

  get json(): boolean {
    return this.format === "json";
  }

  /** A result line. */
  line(text: string): void {
    this.clearProgress();
    this.stdout.write(`${text}\n`);
  }

  /** Text exactly as given, e.g. a unit file or a log. */
  raw(text: string): void {
    this.clearProgress();
    this.stdout.write(text);
  }

  /** What fleetctl printed as it went ("Unit X loaded on ..."): stdout, or stderr beside JSON. */
  message(text: string): void {
    if (this.json) this.note(text);
    else this.line(text);
  }

  /** Warnings and errors. */
  note(text: string): void {
    this.clearProgress();
    this.stderr.write(`${text}\n`);
  }

  document(value: unknown): void {
    this.line(JSON.stringify(value, null, 2));
  }

  /** Replaces the progress line on a terminal; does nothing elsewhere. */
  progress(text: string): void {
    if (!this.interactive) return;
    // A pseudo-terminal may not know its size (0 columns): assume the classic 80.
    const width = Math.max((this.stderr.columns || 80) - 1, 10);
    const shown = [...text].length > width ? `${[...text].slice(0, width - 3).join("")}...` : text;
    this.stderr.write(`\r\x1b[2K${shown}`);
    this.progressShown = true;
  }

  clearProgress(): void {
    if (!this.progressShown) return;
    this.stderr.write("\r\x1b[2K");
    this.progressShown = false;
  }

  /** A terminal, where progress() draws a line that is rewritten in place. */
  get interactive(): boolean {
    return this.stderr.isTTY === true && process.env.TERM !== "dumb";
  }
}
