/**
 * Errors the CLI's entry point turns into a message, a help line and an exit code.
 * Thrown anywhere; printed only in `main.ts`.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly help?: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** Ends the process with a code after the command already told the user what happened. */
export class ExitError extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
    this.name = 'ExitError';
  }
}
