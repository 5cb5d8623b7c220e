// The peer: Apache Iceberg's own REST catalog server (the iceberg-open-api test-fixtures jar),
// fetched with Maven and run with `java -jar`. It reads its settings from CATALOG_* environment
// variables: CATALOG_REST_PORT is the port, the others become catalog properties (CATALOG_URI →
// uri, CATALOG_WAREHOUSE → warehouse). Its default store is an in-memory SQLite JDBC catalog; we
// give it a SQLite file instead, so both servers persist their catalog state to a file.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { spawnServer, type RunningServer } from './server.js';
import { cacheRoot } from '../../src/platform/install/index.js';

export const PEER_GROUP = 'org.apache.iceberg';
export const PEER_ARTIFACT = 'iceberg-open-api';
export const PEER_VERSION = '1.10.1';
const COORDINATES = `${PEER_GROUP}:${PEER_ARTIFACT}:${PEER_VERSION}`;
const JAR_NAME = `${PEER_ARTIFACT}-${PEER_VERSION}.jar`;

/** A setup step that failed, with what to try. Printed as is by run.ts. */
export class PeerSetupError extends Error {
  constructor(
    readonly step: string,
    message: string,
    readonly hint: string,
  ) {
    super(`peer setup failed at step "${step}": ${message}\n  try: ${hint}`);
  }
}

export interface JavaInfo {
  /** First line of `java -version`, e.g. `openjdk version "17.0.15" 2025-04-15`. */
  description: string;
  major: number;
}

/** Checks that `java` is on PATH and is 11 or newer. */
export function checkJava(): JavaInfo {
  const r = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (r.error) {
    throw new PeerSetupError(
      'check java',
      `could not run \`java -version\`: ${r.error.message}`,
      'install a Java 11+ runtime (e.g. `apt-get install openjdk-17-jre-headless`) and put `java` on PATH, or run with `--only lakehouse`',
    );
  }
  const out = `${r.stderr}${r.stdout}`;
  const description = out.split('\n')[0]?.trim() ?? '';
  const m = /version "(\d+)(?:\.(\d+))?/.exec(out);
  let major = m ? Number(m[1]) : NaN;
  if (major === 1 && m?.[2]) major = Number(m[2]); // "1.8.0_x" is Java 8
  if (!(major >= 11)) {
    throw new PeerSetupError(
      'check java',
      `the Iceberg REST server needs Java 11+, found: ${description || 'an unknown version'}`,
      'install a Java 11+ runtime and put it first on PATH, or run with `--only lakehouse`',
    );
  }
  return { description, major };
}

/** Where the jar is kept between runs: $LAKEHOUSE_BENCH_CACHE, else the platform's download cache. */
export function defaultCacheDir(): string {
  return process.env.LAKEHOUSE_BENCH_CACHE ?? join(cacheRoot(), 'bench');
}

/**
 * Returns the path of the peer's jar, fetching it with Maven into `cacheDir` when it is not there
 * yet (Maven's local repository caches the download itself too).
 */
export function ensurePeerJar(cacheDir: string, log: (line: string) => void): string {
  const jar = join(cacheDir, JAR_NAME);
  if (existsSync(jar)) return jar;

  const mvn = spawnSync('mvn', ['-v'], { encoding: 'utf8' });
  if (mvn.error) {
    throw new PeerSetupError(
      'check maven',
      `could not run \`mvn -v\`: ${mvn.error.message}`,
      `install Maven (e.g. \`apt-get install maven\`), or put ${JAR_NAME} in ${cacheDir} yourself, or pass --peer-jar <path>, or run with \`--only lakehouse\``,
    );
  }
  mkdirSync(cacheDir, { recursive: true });
  const args = [
    '-q',
    '-B',
    'dependency:copy',
    `-Dartifact=${COORDINATES}`,
    `-DoutputDirectory=${cacheDir}`,
  ];
  log(`fetching ${COORDINATES} with Maven into ${cacheDir} (about 200 MB, first run only)…`);
  const r = spawnSync('mvn', args, { encoding: 'utf8', cwd: cacheDir, timeout: 15 * 60_000 });
  if (r.error || r.status !== 0 || !existsSync(jar)) {
    const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n    ');
    throw new PeerSetupError(
      'fetch jar',
      `\`mvn ${args.join(' ')}\` ${r.error ? `failed: ${r.error.message}` : `exited with ${r.status}`}` +
        (out ? `\n    ${out}` : ''),
      `check that Maven can reach its repository (a mirror or proxy in ~/.m2/settings.xml), rerun the command above by hand, or pass --peer-jar <path to ${JAR_NAME}>`,
    );
  }
  return jar;
}

/**
 * Reads META-INF/MANIFEST.MF out of a jar (a zip file) without unpacking it: finds the central
 * directory from the end-of-central-directory record (zip64 included), then the entry.
 */
export async function readJarManifest(jarPath: string): Promise<string | undefined> {
  const fh = await open(jarPath, 'r');
  try {
    const { size } = await fh.stat();
    const tailLen = Math.min(size, 0xffff + 22);
    const tail = Buffer.alloc(tailLen);
    await fh.read(tail, 0, tailLen, size - tailLen);
    let eocd = -1;
    for (let i = tailLen - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === 0x06054b50) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new Error('no end-of-central-directory record: not a zip/jar file');
    let cdSize = tail.readUInt32LE(eocd + 12);
    let cdOffset = tail.readUInt32LE(eocd + 16);
    const locator = eocd - 20;
    if (
      (cdSize === 0xffffffff || cdOffset === 0xffffffff) &&
      locator >= 0 &&
      tail.readUInt32LE(locator) === 0x07064b50
    ) {
      const z64 = Buffer.alloc(56);
      await fh.read(z64, 0, 56, Number(tail.readBigUInt64LE(locator + 8)));
      cdSize = Number(z64.readBigUInt64LE(40));
      cdOffset = Number(z64.readBigUInt64LE(48));
    }
    const cd = Buffer.alloc(cdSize);
    await fh.read(cd, 0, cdSize, cdOffset);
    for (let p = 0; p + 46 <= cd.length && cd.readUInt32LE(p) === 0x02014b50;) {
      const method = cd.readUInt16LE(p + 10);
      const compressedSize = cd.readUInt32LE(p + 20);
      const nameLen = cd.readUInt16LE(p + 28);
      const extraLen = cd.readUInt16LE(p + 30);
      const commentLen = cd.readUInt16LE(p + 32);
      const localOffset = cd.readUInt32LE(p + 42);
      const name = cd.toString('utf8', p + 46, p + 46 + nameLen);
      if (name === 'META-INF/MANIFEST.MF') {
        const local = Buffer.alloc(30);
        await fh.read(local, 0, 30, localOffset);
        const dataStart = localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
        const data = Buffer.alloc(compressedSize);
        await fh.read(data, 0, compressedSize, dataStart);
        if (method === 0) return data.toString('utf8');
        if (method === 8) return inflateRawSync(data).toString('utf8');
        throw new Error(`MANIFEST.MF uses zip compression method ${method}`);
      }
      p += 46 + nameLen + extraLen + commentLen;
    }
    return undefined;
  } finally {
    await fh.close();
  }
}

/** The main attributes of a manifest (continuation lines joined). */
export function parseManifest(text: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  let last: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    if (raw === '') break; // end of the main section
    if (raw.startsWith(' ') && last) {
      attrs[last] += raw.slice(1);
      continue;
    }
    const i = raw.indexOf(':');
    if (i > 0) {
      last = raw.slice(0, i);
      attrs[last] = raw.slice(i + 1).trim();
    }
  }
  return attrs;
}

/**
 * Checks the jar runs on its own with `java -jar`: it must name a Main-Class, and its dependencies
 * must be inside it (a shaded jar) since a Class-Path pointing at other jars would not be there.
 */
export async function checkRunnableJar(jar: string): Promise<string> {
  let manifest: string | undefined;
  try {
    manifest = await readJarManifest(jar);
  } catch (err) {
    throw new PeerSetupError(
      'inspect jar',
      `could not read ${jar}: ${err instanceof Error ? err.message : String(err)}`,
      `delete it so the next run fetches it again, or pass --peer-jar <path>`,
    );
  }
  const attrs = manifest ? parseManifest(manifest) : {};
  const main = attrs['Main-Class'];
  if (!main) {
    throw new PeerSetupError(
      'inspect jar',
      `${jar} has no Main-Class in META-INF/MANIFEST.MF, so \`java -jar\` cannot run it`,
      `make sure it is the unclassified ${JAR_NAME} (the runnable, shaded one)`,
    );
  }
  if (attrs['Class-Path']) {
    throw new PeerSetupError(
      'inspect jar',
      `${jar} expects other jars on its Class-Path (${attrs['Class-Path']}), which this benchmark does not fetch`,
      `use the shaded ${JAR_NAME}`,
    );
  }
  return main;
}

export interface PeerOptions {
  jar: string;
  port: number;
  /** Directory for the SQLite file, the warehouse and the log. */
  dir: string;
  java: JavaInfo;
  mainClass: string;
  /** Extra JVM options, e.g. from $BENCH_PEER_JAVA_OPTS. */
  javaOpts: string[];
}

/** Starts the Iceberg REST server on 127.0.0.1:<port> with a file-backed SQLite JDBC catalog. */
export async function startPeer(opts: PeerOptions): Promise<RunningServer> {
  const dbFile = join(opts.dir, 'peer.db');
  const warehouse = join(opts.dir, 'peer-warehouse');
  mkdirSync(warehouse, { recursive: true });
  const logFile = join(opts.dir, 'peer.log');
  const uri = `jdbc:sqlite:file:${dbFile}`;

  // Only our CATALOG_* variables reach it: any in our own environment would become properties.
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('CATALOG_')) env[k] = v;
  env.CATALOG_REST_PORT = String(opts.port);
  env.CATALOG_URI = uri;
  env.CATALOG_WAREHOUSE = warehouse;

  const baseUrl = `http://127.0.0.1:${opts.port}`;
  const proc = await spawnServer({
    what: `the Iceberg REST server (${JAR_NAME})`,
    command: 'java',
    args: [...opts.javaOpts, '-jar', opts.jar],
    env,
    cwd: opts.dir,
    logFile,
    healthUrl: `${baseUrl}/v1/config`,
    startTimeoutMs: 90_000,
    hint: 'step "start peer": run the same `java -jar` by hand with CATALOG_REST_PORT set to see why',
  });
  return {
    name: 'iceberg-rest',
    baseUrl,
    pid: proc.pid,
    version: `${COORDINATES} (Main-Class ${opts.mainClass}) on ${opts.java.description}`,
    store: `JdbcCatalog on a SQLite file (uri=${uri}, jdbc.schema-version=V1), HadoopFileIO`,
    warehouse,
    logFile,
    stop: proc.stop,
  };
}
