// Invariant 5: once the faults are over the cluster settles. Every unit desired launched runs
// exactly once, on the live machine it is placed on, reported active; nothing else runs;
// every running sidekick's key is there.
import { type Copy, copiesOf, type Sample } from "./sample.ts";

/** What keeps the sample from showing a settled cluster; empty when it does. */
export function convergenceProblems(
  sample: Sample,
  announcedKey: (sidekick: string) => string | undefined,
): string[] {
  const blind = blindSpots(sample);
  if (blind.length > 0) return blind;
  const members = new Set(sample.members);
  const live = new Set(
    sample.agents.filter((agent) => agent.up && members.has(agent.machine)).map((a) => a.machine),
  );
  const copies = copiesOf(sample);
  const problems: string[] = [];
  const listed = new Set<string>();
  for (const unit of sample.units ?? []) {
    listed.add(unit.name);
    const found = copies.filter((copy) => copy.unit === unit.name);
    if (unit.desiredState !== "launched") {
      if (found.length > 0)
        problems.push(`${unit.name} is desired ${unit.desiredState}, yet runs on ${places(found)}`);
      continue;
    }
    const [copy] = found;
    if (found.length !== 1 || copy === undefined) {
      problems.push(
        `${unit.name} is desired launched and runs ${found.length} times${found.length ? `: ${places(found)}` : ""}`,
      );
    } else if (!live.has(copy.machine)) {
      problems.push(`${unit.name} runs on ${short(copy.machine)}, which is not a live member`);
    } else if (copy.machine !== unit.machineId) {
      problems.push(
        `${unit.name} runs on ${short(copy.machine)} but is placed on ${unit.machineId ? short(unit.machineId) : "no machine"}`,
      );
    }
    if (unit.activeState !== "active")
      problems.push(
        `${unit.name} is reported ${unit.activeState ?? "without a state"}, not active`,
      );
  }
  for (const copy of copies)
    if (!listed.has(copy.unit))
      problems.push(`${copy.unit} is not listed (destroyed), yet runs on ${places([copy])}`);
  const keys = new Set(sample.keys);
  for (const copy of copies) {
    if (copy.via !== "announce") continue;
    const key = announcedKey(copy.unit);
    if (key && !keys.has(key)) problems.push(`${copy.unit} runs but ${key} is not announced`);
  }
  return problems;
}

function blindSpots(sample: Sample): string[] {
  const blind: string[] = [];
  if (!sample.members) blind.push("etcd's presence keys could not be read");
  if (!sample.keys) blind.push("the announcements could not be read");
  if (!sample.containers) blind.push("the Docker engine could not be listed");
  if (!sample.processes) blind.push("the units' processes could not be listed");
  if (!sample.units) blind.push("no server listed the units");
  for (const agent of sample.agents) {
    if (!agent.up) blind.push(`the agent of ${short(agent.machine)} is not running`);
    else if (!sample.announcing[agent.machine])
      blind.push(`the agent of ${short(agent.machine)} did not answer`);
  }
  return blind;
}

function places(copies: Copy[]): string {
  return copies.map((copy) => `${short(copy.machine)} (${copy.via})`).join(", ");
}

function short(machine: string): string {
  return machine.slice(0, 8);
}
