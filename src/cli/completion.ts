import { parseArgs } from "node:util";
import type { Command } from "./command.ts";
import { commands, findCommand } from "./commands/index.ts";
import { globalOptions, type ParseArgsOptionsConfig, splitCommand } from "./flags.ts";
import { rolloutOptions } from "./rollout-flags.ts";
import { isRolloutAction, isRolloutSubcommand, ROLLOUT_SUBCOMMANDS } from "./rollout-words.ts";

/** A word the shell may complete to, and what it is (zsh shows it). */
export interface Candidate {
  word: string;
  description?: string;
}

/** help is run.ts's own, not the registry's. */
const HELP: Candidate = { word: "help", description: "Show help for a command" };

export const SHELLS = ["bash", "zsh"] as const;

/**
 * What may come at the last of `words` (the words after the program's name, the last being
 * the one under the cursor, maybe empty). Unit names come from `unitNames` only when a
 * command takes units, so that completing a command name or a flag never waits on the API.
 */
export interface CompletionSources {
  unitNames: () => Promise<string[]>;
  /** Local unit files and directories whose path starts with the prefix. */
  localPaths: (prefix: string) => Promise<string[]>;
  /** The ids of the rollouts still running, for `rollout pause` and the like. */
  rolloutIds?: () => Promise<string[]>;
  /** The machines present, for the commands that take one. */
  machines?: () => Promise<MachineCandidate[]>;
}

export interface MachineCandidate {
  id: string;
  publicIP: string;
  drained: boolean;
}

/** The machines a command that takes one completes: those it can act on. */
const MACHINES_FOR: Readonly<Record<string, (machine: MachineCandidate) => boolean>> = {
  drain: (machine) => !machine.drained,
  undrain: (machine) => machine.drained,
};

export async function complete(
  words: readonly string[],
  sources: CompletionSources,
): Promise<Candidate[]> {
  const current = words.at(-1) ?? "";
  const before = words.slice(0, -1);
  const { command: name } = splitCommand(before);
  const matching = (candidates: Candidate[]) =>
    candidates.filter((candidate) => candidate.word.startsWith(current));
  if (current.startsWith("-")) {
    const command = name === undefined ? undefined : findCommand(name);
    return matching(flagsOf({ ...globalOptions, ...(command?.options ?? {}) }));
  }
  if (name === undefined) {
    return matching([
      ...commands.map((command) => ({ word: command.name, description: command.summary })),
      HELP,
    ]);
  }
  if (name === "help") {
    return matching(
      commands.map((command) => ({ word: command.name, description: command.summary })),
    );
  }
  if (name === "completion") return matching(SHELLS.map((shell) => ({ word: shell })));
  if (name === "rollout") {
    return matching(await rolloutCandidates(splitCommand(before).rest, current, sources));
  }
  const command = findCommand(name);
  if (command?.arguments === "machine") {
    return matching(await machineCandidates(command, splitCommand(before).rest, sources));
  }
  if (!command || !takesUnits(command)) return [];
  const [names, paths] = await Promise.all([
    sources.unitNames().catch(() => [] as string[]),
    READS_LOCAL_FILES.has(command.name)
      ? sources.localPaths(current).catch(() => [] as string[])
      : [],
  ]);
  return matching([...new Set([...paths, ...names])].map((word) => ({ word })));
}

/**
 * `rollout`'s words: first a subcommand or a target (a submitted unit's name, or a local
 * file's path as submit takes it); after a target its FILE; after list or history a target;
 * after status or undo a target or an id; after pause, resume, promote or abort a running
 * rollout's id.
 */
async function rolloutCandidates(
  rest: readonly string[],
  current: string,
  sources: CompletionSources,
): Promise<Candidate[]> {
  const { positionals } = parseArgs({
    args: [...rest],
    options: { ...globalOptions, ...rolloutOptions },
    allowPositionals: true,
    strict: false,
  });
  const [first, ...more] = positionals;
  const names = () => sources.unitNames().catch(() => [] as string[]);
  const paths = () => sources.localPaths(current).catch(() => [] as string[]);
  const ids = () => sources.rolloutIds?.().catch(() => [] as string[]) ?? [];
  const words = (list: readonly string[]) => list.map((word) => ({ word }));
  if (first === undefined) {
    const [local, submitted] = await Promise.all([paths(), names()]);
    return [
      ...Object.entries(ROLLOUT_SUBCOMMANDS).map(([word, description]) => ({ word, description })),
      ...words([...new Set([...local, ...submitted])]),
    ];
  }
  if (more.length > 0) return [];
  if (!isRolloutSubcommand(first)) return words(await paths());
  if (isRolloutAction(first)) return words(await ids());
  if (first === "list" || first === "history") return words(await names());
  const [running, submitted] = await Promise.all([ids(), names()]);
  return words([...running, ...submitted]);
}

/** The one machine a command takes: a machine's id, described by its address. */
async function machineCandidates(
  command: Command,
  rest: readonly string[],
  sources: CompletionSources,
): Promise<Candidate[]> {
  const { positionals } = parseArgs({
    args: [...rest],
    options: { ...globalOptions, ...command.options },
    allowPositionals: true,
    strict: false,
  });
  if (positionals.length > 0) return [];
  const machines = (await sources.machines?.().catch(() => undefined)) ?? [];
  const wanted = MACHINES_FOR[command.name] ?? (() => true);
  return machines
    .filter(wanted)
    .map((machine) => ({ word: machine.id, description: machine.publicIP }));
}

/** The commands that take a path to a local unit file as well as a unit's name. */
const READS_LOCAL_FILES = new Set(["submit", "load", "start"]);

function takesUnits(command: Command): boolean {
  return command.arguments === "units" || command.arguments === "unit";
}

function flagsOf(options: ParseArgsOptionsConfig): Candidate[] {
  return Object.entries(options).map(([name, option]) => ({
    word: option.type === "string" ? `--${name}=` : `--${name}`,
  }));
}

/**
 * The script `completion SHELL` prints. Both ask the program itself (`__complete`) for the
 * words, so completion knows every command, flag and submitted unit of this version.
 */
export function completionScript(shell: (typeof SHELLS)[number], program: string): string {
  if (shell === "bash") {
    // The line itself, not COMP_WORDS: bash splits words at = and : (an --endpoint URL).
    return `# ${program} completion for bash. Load it with: source <(${program} completion bash)
_flotilla_complete() {
  local IFS=$'\\n'
  COMPREPLY=($("\${COMP_WORDS[0]}" __complete bash "\${COMP_LINE:0:COMP_POINT}" 2>/dev/null))
  [[ \${COMPREPLY[0]} == *[=/] ]] && compopt -o nospace
}
complete -o default -F _flotilla_complete flotilla fleetctl
`;
  }
  return `#compdef flotilla fleetctl
# ${program} completion for zsh. Load it with: source <(${program} completion zsh)
_flotilla_complete() {
  local -a candidates glued plain described
  candidates=("\${(@f)$("\${words[1]}" __complete zsh "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  local candidate
  for candidate in "\${candidates[@]}"; do
    if [[ $candidate == *= ]]; then glued+=("$candidate")
    elif [[ $candidate == *:* ]]; then described+=("$candidate")
    elif [[ -n $candidate ]]; then plain+=("$candidate")
    fi
  done
  (( \${#glued} )) && compadd -S '' -- "\${glued[@]}"
  (( \${#plain} )) && compadd -- "\${plain[@]}"
  (( \${#described} )) && _describe 'command' described
  (( \${#glued} + \${#plain} + \${#described} )) || _files
}
compdef _flotilla_complete flotilla fleetctl
`;
}

/** Candidates as the script reads them: a word a line; for zsh, `word:description`. */
export function formatCandidates(shell: string, candidates: readonly Candidate[]): string {
  return candidates
    .map((candidate) =>
      shell === "zsh" && candidate.description
        ? `${candidate.word.replaceAll(":", "\\:")}:${candidate.description}`
        : candidate.word,
    )
    .map((line) => `${line}\n`)
    .join("");
}
