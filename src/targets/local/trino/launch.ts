import { join } from 'node:path';

export interface TrinoLaunchOptions {
  /** The extracted server distribution (`ensureTrinoServer`). */
  serverDir: string;
  /** The node's `etc` directory (holds node.properties, jvm.config, config.properties, catalog/). */
  etcDir: string;
  /** The node's data directory; must match `node.data-dir` in its node.properties. */
  dataDir: string;
  /** The Java runtime (`ensureJavaRuntime`); only its home is used. */
  java: { javaHome: string };
  /** Variables passed through when set (default: the current process's). */
  baseEnv?: NodeJS.ProcessEnv;
}

export interface TrinoLaunch {
  command: string;
  args: string[];
  /** The complete environment of the process: nothing else is inherited. */
  env: Record<string, string>;
}

/**
 * How to run one Trino node in the foreground as a child process.
 *
 * The distribution's `bin/launcher` is a bash wrapper around a static launcher binary (no Python
 * needed). `run` reads node.properties and jvm.config, puts `plugin` and `etc` symlinks into the
 * data directory, changes into it and `exec`s java: the child's pid is the JVM's own, so SIGTERM
 * reaches Trino's shutdown hook directly. `--data-dir` must be given, or the launcher writes its
 * symlinks into the shared server directory. `-v` is never passed: it prints the environment.
 */
export function trinoLaunch(opts: TrinoLaunchOptions): TrinoLaunch {
  const base = opts.baseEnv ?? process.env;
  const env: Record<string, string> = {
    JAVA_HOME: opts.java.javaHome,
    // The wrapper calls uname, arch and dirname.
    PATH: base['PATH'] ?? '/usr/local/bin:/usr/bin:/bin',
    LANG: base['LANG'] ?? 'C.UTF-8',
  };
  if (base['HOME']) env['HOME'] = base['HOME'];
  if (base['TZ']) env['TZ'] = base['TZ'];
  return {
    command: join(opts.serverDir, 'bin', 'launcher'),
    args: [
      '--etc-dir',
      opts.etcDir,
      '--data-dir',
      opts.dataDir,
      '--jvm-dir',
      opts.java.javaHome,
      'run',
    ],
    env,
  };
}
