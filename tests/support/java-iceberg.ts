/**
 * Apache Iceberg's Java client (RESTCatalog from iceberg-core) for conformance tests: its jars
 * fetched once with Maven into the project's cache, a Java runtime from the project's installer,
 * and a scenario program compiled once per source version.
 *
 * Cold machine: `mvn dependency:copy-dependencies` on a generated one-dependency pom (~15 MB),
 * then `javac`; both land under `<cache>/java-client/<version>/` and are reused afterwards.
 * `ensureMavenJars` is the same fetch for other artifacts (the Spark tests' Iceberg jars).
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { cacheRoot } from '../../src/platform/install/index.js';
import { ensureJavaRuntime } from '../../src/targets/local/install/index.js';

export const ICEBERG_JAVA_VERSION = '1.10.1';
const COMPLETE = '.complete';

/** A Maven coordinate, `group:artifact:version`. */
export type MavenArtifact = `${string}:${string}:${string}`;

function pom(artifacts: readonly MavenArtifact[]): string {
  const deps = artifacts.map((a) => {
    const [groupId, artifactId, version] = a.split(':');
    return `    <dependency>
      <groupId>${groupId}</groupId>
      <artifactId>${artifactId}</artifactId>
      <version>${version}</version>
    </dependency>
`;
  });
  return `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>lakehouse.tests</groupId>
  <artifactId>iceberg-java-client</artifactId>
  <version>1</version>
  <dependencies>
${deps.join('')}  </dependencies>
</project>
`;
}

interface Exec {
  code: number | null;
  stdout: string;
  stderr: string;
}

function exec(command: string, args: string[], cwd?: string, timeoutMs = 600_000): Promise<Exec> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${command}: ${err.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function failure(what: string, r: Exec, hint: string): Error {
  const tail = `${r.stdout}${r.stderr}`.trim().split('\n').slice(-20).join('\n  ');
  return new Error(`${what} exited with ${String(r.code)}:\n  ${tail}\n(${hint})`);
}

/**
 * Builds `target` in a scratch directory next to it and renames it into place, so a killed run
 * never leaves a half-filled directory under the real name; a concurrent build's result wins.
 */
async function buildOnce(target: string, build: (dir: string) => Promise<void>): Promise<void> {
  if (existsSync(join(target, COMPLETE))) return;
  await mkdir(dirname(target), { recursive: true });
  const scratch = `${target}.tmp-${randomBytes(4).toString('hex')}`;
  await mkdir(scratch);
  try {
    await build(scratch);
    await writeFile(join(scratch, COMPLETE), '');
    await rm(target, { recursive: true, force: true });
    await rename(scratch, target).catch((err: NodeJS.ErrnoException) => {
      if (!existsSync(join(target, COMPLETE))) throw err;
    });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * The jars of `artifacts` and their runtime dependencies in `libDir`, fetched with Maven
 * (`dependency:copy-dependencies` on a generated pom) the first time; afterwards no network.
 */
export async function ensureMavenJars(
  libDir: string,
  artifacts: readonly MavenArtifact[],
): Promise<string[]> {
  await buildOnce(libDir, async (dir) => {
    await writeFile(join(dir, 'pom.xml'), pom(artifacts));
    const args = [
      '--batch-mode',
      '--quiet',
      'dependency:copy-dependencies',
      '-DincludeScope=runtime',
      `-DoutputDirectory=${dir}`,
    ];
    const r = await exec('mvn', args, dir);
    if (r.code !== 0) {
      throw failure(
        `mvn ${args.join(' ')}`,
        r,
        'check that Maven can reach its remote repository (proxies in ~/.m2/settings.xml)',
      );
    }
    await rm(join(dir, 'pom.xml'));
  });
  const jars = (await readdir(libDir)).filter((f) => f.endsWith('.jar'));
  return jars.map((f) => join(libDir, f));
}

/** The client's jars (iceberg-core and its runtime dependencies); fetched with Maven once. */
export function ensureIcebergJavaJars(version = ICEBERG_JAVA_VERSION): Promise<string[]> {
  const libDir = join(cacheRoot(), 'java-client', version, 'lib');
  return ensureMavenJars(libDir, [`org.apache.iceberg:iceberg-core:${version}`]);
}

export interface JavaScenarioRunner {
  /** Runs `scenario` against the catalog at `uri`; returns what the program printed as JSON. */
  run(uri: string, scenario: string, ...args: string[]): Promise<unknown>;
}

/**
 * Compiles the single-file program `source` (once per content hash) against the Iceberg client
 * jars and returns a runner. The program prints one JSON document on stdout.
 */
export async function javaScenarioRunner(source: string): Promise<JavaScenarioRunner> {
  const jars = await ensureIcebergJavaJars();
  const runtime = await ensureJavaRuntime({ minMajor: 17 });
  const text = await readFile(source);
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 16);
  const classes = join(cacheRoot(), 'java-client', ICEBERG_JAVA_VERSION, 'classes', hash);
  const classpath = jars.join(':');
  const javac = join(runtime.javaHome, 'bin', 'javac');
  const compiled = existsSync(javac);
  if (compiled) {
    await buildOnce(classes, async (dir) => {
      const r = await exec(javac, ['-nowarn', '-cp', classpath, '-d', dir, source]);
      if (r.code !== 0) throw failure(`javac ${source}`, r, 'fix the program');
    });
  }
  const mainClass = (/public\s+(?:final\s+)?class\s+(\w+)/.exec(text.toString()) ?? [])[1];
  if (!mainClass) throw new Error(`${source}: no public class`);
  return {
    async run(uri, scenario, ...args) {
      // A runtime without javac (a jlink image) still runs the source directly (JEP 330).
      const javaArgs = compiled
        ? ['-cp', `${classes}:${classpath}`, mainClass, uri, scenario, ...args]
        : ['-cp', classpath, source, uri, scenario, ...args];
      const r = await exec(
        runtime.java,
        ['-Xshare:auto', '-XX:TieredStopAtLevel=1', ...javaArgs],
        undefined,
        120_000,
      );
      const line = r.stdout.trim().split('\n').pop() ?? '';
      try {
        return JSON.parse(line) as unknown;
      } catch {
        throw failure(`java ${mainClass} ${scenario}`, r, 'the program printed no JSON');
      }
    },
  };
}
