export interface TrinoCliOptions {
  /** The `java` executable (`ensureJavaRuntime().java`); the CLI jar needs the same major. */
  java: string;
  /** The executable CLI jar (`ensureTrinoCli`). */
  cliJar: string;
  /** The coordinator, e.g. `http://127.0.0.1:8080`. */
  server: string;
  user?: string;
  catalog?: string;
  schema?: string;
}

/**
 * The command for `lakehouse sql` without a query: Trino's own CLI, whose prompt has history,
 * completion and a pager, attached to the user's terminal (spawn it with `stdio: 'inherit'`).
 */
export function trinoCliCommand(opts: TrinoCliOptions): { command: string; args: string[] } {
  const args = [
    // Its line editor loads a native library; without this Java 24+ prints four lines of warnings.
    '--enable-native-access=ALL-UNNAMED',
    '-jar',
    opts.cliJar,
    '--server',
    opts.server,
    '--user',
    opts.user ?? 'lakehouse',
  ];
  if (opts.catalog) args.push('--catalog', opts.catalog);
  if (opts.schema) args.push('--schema', opts.schema);
  return { command: opts.java, args };
}
