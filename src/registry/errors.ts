import { BrokenCircuitError, TaskCancelledError } from "cockatiel";
import {
  ClientClosedError,
  GRPCCancelledError,
  GRPCDeadlineExceededError,
  GRPCUnavailableError,
} from "etcd3";

/** True when an error means etcd could not be reached, as opposed to a bug or a bad request. */
export function isRegistryUnavailable(error: unknown): boolean {
  return (
    error instanceof GRPCUnavailableError ||
    error instanceof GRPCDeadlineExceededError ||
    error instanceof GRPCCancelledError ||
    error instanceof BrokenCircuitError ||
    error instanceof TaskCancelledError ||
    error instanceof ClientClosedError
  );
}
