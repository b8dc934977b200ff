/** One row of a daemon's flags: what `--help` prints and the README's configuration table. */
export interface FlagUsage {
  /** The parseArgs option names the row covers. */
  options: string[];
  /** Markdown, as in the README: `--listen HOST:PORT`. */
  synopsis: string;
  environment: string;
  default: string;
  meaning: string;
}

export interface Usage {
  command: string;
  summary: string;
  flags: FlagUsage[];
}

/** `--etcd`, the same for the server and the agent. */
export const ETCD_ENDPOINTS_USAGE: FlagUsage = {
  options: ["etcd"],
  synopsis: "`--etcd URL[,URL...]`",
  environment: "`FLOTILLA_ETCD`",
  default: "`http://127.0.0.1:2379`",
  meaning: "etcd endpoints",
};

const plain = (markdown: string) => markdown.replaceAll("`", "");

/** The text of `--help`: usage line, summary, then each flag with its variable and default. */
export function usageText(usage: Usage): string {
  const lines = [`Usage: ${usage.command} [flags]`, "", ...wrap(usage.summary, 92), "", "Flags:"];
  const width = 34;
  for (const flag of usage.flags) {
    const synopsis = plain(flag.synopsis);
    const meaning = wrap(plain(flag.meaning), 92 - width);
    const first =
      synopsis.length < width - 3 ? synopsis.padEnd(width - 2) + meaning.shift() : synopsis;
    lines.push(`  ${first}`);
    for (const line of meaning) lines.push(`${" ".repeat(width)}${line}`);
    const environment = flag.environment === "none" ? "" : `env ${plain(flag.environment)}; `;
    for (const line of wrap(`${environment}default ${plain(flag.default)}`, 92 - width)) {
      lines.push(`${" ".repeat(width)}${line}`);
    }
  }
  lines.push(`  ${"-h, --help".padEnd(width - 2)}This text`);
  lines.push("", "Flags win over the environment, which wins over the defaults.");
  return `${lines.join("\n")}\n`;
}

/** The README's table of the flags. */
export function usageTable(usage: Usage): string {
  const rows = usage.flags.map(
    (flag) =>
      `| ${flag.synopsis} | ${flag.environment} | ${flag.default} | ${flag.meaning.replaceAll("|", "\\|")} |`,
  );
  return ["| Flag | Environment | Default | Meaning |", "|---|---|---|---|", ...rows, ""].join(
    "\n",
  );
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === "" ? word : `${line} ${word}`;
    }
  }
  if (line !== "") lines.push(line);
  return lines;
}
