// The placement invariant, checked the plain way: every placed unit meets its [X-Fleet]
// requirements against the placements of one moment, and none but a global one stands on a
// drained machine. It shares nothing with decide.ts but the meaning of a pattern and of a
// metadata requirement, so that it can check the scheduler rather than repeat it. Quadratic
// per machine: for tests and `--check-placements`.

import type { SchedulerMachine, SchedulerUnit } from "./cluster-index.ts";
import { failingRequirement } from "./metadata.ts";
import { compilePattern } from "./pattern.ts";

export interface PlacedUnit {
  unit: SchedulerUnit;
  machineIds: readonly string[];
}

export interface PlacementViolation {
  unit: string;
  machineId: string;
  reason: string;
}

export function placementViolations(
  machines: readonly SchedulerMachine[],
  placed: readonly PlacedUnit[],
): PlacementViolation[] {
  const byId = new Map(machines.map((machine) => [machine.id, machine]));
  const onMachine = new Map<string, SchedulerUnit[]>();
  const where = new Map<string, readonly string[]>();
  for (const { unit, machineIds } of placed) {
    where.set(unit.name, machineIds);
    for (const id of machineIds) {
      const units = onMachine.get(id) ?? [];
      units.push(unit);
      onMachine.set(id, units);
    }
  }
  const matches = (patterns: readonly string[], name: string) =>
    patterns.some((text) => compilePattern(text).test(name));

  const found: PlacementViolation[] = [];
  for (const { unit, machineIds } of placed) {
    const { requirements } = unit;
    const fail = (machineId: string, reason: string) =>
      found.push({ unit: unit.name, machineId, reason });
    for (const machineId of machineIds) {
      const machine = byId.get(machineId);
      if (!machine) {
        fail(machineId, "is placed on a machine that is not in the cluster");
        continue;
      }
      const others = (onMachine.get(machineId) ?? []).filter((other) => other !== unit);
      if (machine.drain !== undefined && !requirements.global)
        fail(machineId, "is placed on a machine that is draining");
      const id = requirements.machineId;
      if (id !== undefined && id !== machineId && !(id.length >= 8 && machineId.startsWith(id)))
        fail(machineId, `breaks MachineID=${id}`);
      if (failingRequirement(requirements.metadata, machine.metadata) !== undefined)
        fail(machineId, "breaks its MachineMetadata");
      for (const text of requirements.machineOf) {
        if (!others.some((other) => matches([text], other.name)))
          fail(machineId, `breaks MachineOf=${text}: no such unit on its machine`);
      }
      for (const other of others) {
        if (
          matches(requirements.conflicts, other.name) ||
          matches(other.requirements.conflicts, unit.name)
        )
          fail(machineId, `shares its machine with ${other.name}, which it conflicts with`);
        if (
          matches(requirements.replaces, other.name) ||
          matches(other.requirements.replaces, unit.name)
        )
          fail(
            machineId,
            `shares its machine with ${other.name}, which it replaces or is replaced by`,
          );
      }
    }
    if (requirements.global) continue;
    for (const text of requirements.replaces) {
      for (const { unit: other } of placed) {
        if (other.name <= unit.name || !compilePattern(text).test(other.name)) continue;
        if (!matches(other.requirements.replaces, unit.name)) continue;
        for (const machineId of machineIds) {
          if ((where.get(other.name) ?? []).length > 0)
            fail(machineId, `runs beside ${other.name}, and the two replace each other`);
        }
      }
    }
  }
  return found;
}
