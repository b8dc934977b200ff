import { defineCommand } from "../command.ts";
import { UsageError } from "../errors.ts";
import {
  checkRolloutFlags,
  rolloutFlagHelp,
  rolloutModeOf,
  rolloutOptions,
} from "../rollout-flags.ts";
import {
  historyTargetOf,
  isRolloutAction,
  isRolloutSubcommand,
  looksLikeTarget,
  ROLLOUT_SUBCOMMANDS,
  type RolloutSubcommand,
  rolloutIdOf,
  rolloutRefOf,
  targetOf,
} from "../rollout-words.ts";
import { act } from "./rollout-actions.ts";
import { history } from "./rollout-history.ts";
import { list, status } from "./rollout-inspect.ts";
import { startFromFile, undo, undoToVersion } from "./rollout-start.ts";

export const rolloutCommand = defineCommand({
  name: "rollout",
  summary: "Replace running instances with new content a few at a time, checking their health",
  usage:
    "[options] [--dry-run [--no-legend]] TARGET [FILE] | status|list|history|pause|resume|promote|abort|undo ...",
  description: `rollout TARGET [FILE]: replaces the instances of a template (apache@.service), a
unit, or the units a glob matches ('web-*.service'), with the unit file FILE, by default
the local file named like the target (a glob needs FILE). A template's canaries first,
started beside the old instances with their sidekicks (a unit's or a glob's: its first
units, replaced in place); then --max-parallel at a time, each drained (its sidekicks'
announcements withdrawn), stopped, started on the new content and healthy for --min-healthy
before the next; the canaries are then drained and destroyed. One that is not healthy fails
the rollout, which then puts the replaced ones back (unless --no-auto-revert).
It then follows the rollout as 'rollout status' does: exit status 0 when it succeeded, 1
when it failed, was reverted or aborted. Ctrl-C stops following, not the rollout.
With --dry-run nothing starts: the API (POST /v1/plan) checks the same rollout and previews
it, printed as a line saying what it would replace, in how many waves, then INSTANCE MACHINE
CHANGE WAVE CANARY in the rollout's order; exit status 0 (--detach changes nothing).
  rollout status [ID|TARGET]   follow a rollout (the newest of TARGET, or of all) to its end;
                               --no-follow prints it once, with its instances
  rollout list [TARGET]        ID TARGET PHASE PROGRESS CREATED, newest first
  rollout history TARGET       VERSION HASH CHANGED CAUSE of a template's or a unit's
                               content, newest first, the current one marked
  rollout pause|resume ID      start no further instance / carry on
  rollout promote ID           let the others follow the canaries (--manual-promote)
  rollout abort [--reason=TEXT] ID   stop where it is; replaced instances keep the new content
  rollout undo ID|TARGET       put back what a finished rollout (the newest of TARGET) replaced
  rollout undo --to-version=N [options] TARGET
                               roll version N of TARGET's history out again, as
                               'rollout TARGET' would a file, with its options
Durations are systemd's: 10s, 5min, 1h; a bare number is seconds. With -o json, the
rollout as the API has it (the last sighting when following); list: an array of them;
--dry-run: the plan's rollout; history: the API's history of the target.`,
  examples: [
    [
      "flotilla rollout apache@.service",
      "its instances get the local apache@.service, a canary first",
    ],
    [
      "flotilla rollout --dry-run apache@.service",
      "what it would replace, where, in which waves; nothing changes",
    ],
    [
      "flotilla rollout --max-parallel=2 --canaries=0 'web-*.service' web.service",
      "the units the glob matches, two at a time, from web.service",
    ],
    [
      "flotilla rollout --manual-promote --min-healthy=1min apache@.service",
      "stop after the canary until 'rollout promote'",
    ],
    ["flotilla rollout status apache@.service", "follow the newest rollout of apache@.service"],
    ["flotilla rollout list", "every rollout, newest first"],
    ["flotilla rollout promote 3f9c21ab", "the canaries are good: carry on"],
    ["flotilla rollout abort --reason='errors in the log' 3f9c21ab", "stop it where it is"],
    ["flotilla rollout undo apache@.service", "put back what the last rollout replaced"],
    ["flotilla rollout history apache@.service", "its content versions, newest first"],
    [
      "flotilla rollout undo --to-version=2 apache@.service",
      "roll version 2 of apache@.service out again, a canary first",
    ],
  ],
  options: rolloutOptions,
  flagHelp: rolloutFlagHelp,
  arguments: "any",
  async run(context, { values, positionals }) {
    const [first, ...rest] = positionals;
    if (first === undefined) {
      throw new UsageError("a target or a subcommand must be given", "rollout");
    }
    if (isRolloutSubcommand(first)) {
      checkRolloutFlags(values, rolloutModeOf(first, values));
      return runSubcommand(first, rest);
    }
    if (!looksLikeTarget(first)) {
      throw new UsageError(
        `unknown subcommand "${first}": expected ${Object.keys(ROLLOUT_SUBCOMMANDS).join(", ")}, or a target such as apache@.service`,
        "rollout",
      );
    }
    checkRolloutFlags(values, values["dry-run"] === true ? "dry-run" : "start");
    const [file] = argumentsOf(rest, 0, 1, "rollout TARGET [FILE]");
    return startFromFile(context, first, file, values);

    function runSubcommand(subcommand: RolloutSubcommand, args: string[]): Promise<number> {
      if (isRolloutAction(subcommand)) {
        const [id] = argumentsOf(args, 1, 1, `rollout ${subcommand} ID`);
        return act(context, subcommand, rolloutIdOf(id as string), values);
      }
      switch (subcommand) {
        case "status": {
          const [arg] = argumentsOf(args, 0, 1, "rollout status [ID|TARGET]");
          return status(context, arg === undefined ? undefined : rolloutRefOf(arg), values);
        }
        case "list": {
          const [arg] = argumentsOf(args, 0, 1, "rollout list [TARGET]");
          return list(context, arg === undefined ? undefined : listTargetOf(arg), values);
        }
        case "history": {
          const [arg] = argumentsOf(args, 1, 1, "rollout history TARGET");
          return history(context, historyTargetOf(arg as string), values);
        }
        case "undo": {
          if (values["to-version"] !== undefined) {
            const [arg] = argumentsOf(args, 1, 1, "rollout undo --to-version=N TARGET");
            return undoToVersion(context, historyTargetOf(arg as string), values);
          }
          const [arg] = argumentsOf(args, 1, 1, "rollout undo ID|TARGET");
          return undo(context, rolloutRefOf(arg as string), values);
        }
      }
    }
  },
});

/** The arguments after the subcommand, between min and max of them. */
function argumentsOf(args: string[], min: number, max: number, usage: string): string[] {
  if (args.length > max) {
    throw new UsageError(`unexpected argument "${args[max]}": usage is ${usage}`, "rollout");
  }
  if (args.length < min) throw new UsageError(`missing argument: usage is ${usage}`, "rollout");
  return args;
}

function listTargetOf(arg: string): string {
  if (looksLikeTarget(arg)) return targetOf(arg);
  throw new UsageError(
    `"${arg}" is not a target: expected a unit name such as apache@.service, or a glob`,
    "rollout",
  );
}
