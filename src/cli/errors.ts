/** Exit codes a script can rely on. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** The command line itself is wrong: exit 2, with a one-line message and a pointer to help. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose help explains the mistake, if any. */
    readonly command?: string,
  ) {
    super(message);
  }
}

/** The command ran and did not succeed: exit 1 with this one-line message. */
export class CommandFailure extends Error {}

/** What the promise resolves to; its rejection as a one-line CommandFailure. */
export async function asFailure<T>(pending: Promise<T>): Promise<T> {
  try {
    return await pending;
  } catch (error) {
    if (error instanceof CommandFailure || error instanceof UsageError) throw error;
    throw new CommandFailure((error as Error).message);
  }
}
