/**
 * An error the user can fix: a message saying what is wrong and a help line saying how to fix it.
 * Thrown anywhere (ops, targets, the CLI); the CLI's entry point prints it and exits with its code.
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
