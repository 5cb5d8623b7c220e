/**
 * An installer step failed. The message carries everything a user needs to act on it: the
 * component, the step, the tail of the tool's output and what to try next.
 */
export class InstallError extends Error {
  constructor(
    readonly component: string,
    readonly step: string,
    readonly outputTail: string,
    readonly hint: string,
  ) {
    super(
      [
        `installing ${component} failed at step "${step}"`,
        outputTail ? `last output:\n${indent(outputTail)}` : 'no output',
        `try: ${hint}`,
      ].join('\n'),
    );
    this.name = 'InstallError';
  }
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  | ${line}`)
    .join('\n');
}
