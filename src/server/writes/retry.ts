import { ProblemError } from "../problems.ts";

/** Optimistic writes retry this often before reporting a conflict to the client. */
const MAX_ATTEMPTS = 8;

/**
 * Runs `attempt` until it gives an outcome: undefined means it lost a compare-and-swap race,
 * or read what it cannot answer from. When every attempt lost, the client is told to retry.
 */
export async function retryingWrite<T>(
  attempt: (index: number) => Promise<T | undefined>,
  conflict: string,
): Promise<T> {
  for (let i = 0; i < MAX_ATTEMPTS; i++) {
    const outcome = await attempt(i);
    if (outcome !== undefined) return outcome;
  }
  throw new ProblemError("write-conflict", conflict);
}
