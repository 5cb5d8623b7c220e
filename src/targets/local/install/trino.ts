import { access, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { versions } from '../../../platform/versions.js';
import {
  cacheRoot,
  discard,
  formatDuration,
  InstallError,
  publish,
  runStep,
  scratchDirFor,
  silent,
  type InstallOptions,
  type Progress,
} from '../../../platform/install/index.js';

export interface TrinoInstallOptions extends InstallOptions {
  /** Trino release (default: the pinned one). */
  version?: string;
}

const SERVER_LABEL = 'Trino server';
const CLI_LABEL = 'Trino CLI';
const COMPLETE_MARKER = '.lakehouse-complete';

/** `<cache>/trino/<version>`: the server tree and the CLI jar of one release. */
export function trinoCacheDir(
  version: string = versions.trino.version,
  cacheDir = cacheRoot(),
): string {
  return join(cacheDir, 'trino', version);
}

/**
 * Fetches (once) the Trino server distribution with Maven and extracts it to
 * `<cache>/trino/<version>/server`; returns that directory (it holds `bin/launcher`, `lib/`,
 * `plugin/`). The tarball is ~800 MB and the tree ~900 MB: every connector plugin is kept, so a
 * catalog can be added later without reinstalling.
 */
export async function ensureTrinoServer(opts: TrinoInstallOptions = {}): Promise<string> {
  const say: Progress = opts.onProgress ?? silent;
  const version = opts.version ?? versions.trino.version;
  const serverDir = join(trinoCacheDir(version, opts.cacheDir), 'server');

  const state = await serverState(serverDir, version);
  if (state === 'complete') {
    say(`${SERVER_LABEL} ${version}: found in cache (${serverDir})`);
    return serverDir;
  }
  if (state === 'broken') {
    say(`${SERVER_LABEL}: cached tree is incomplete, reinstalling`);
    await discard(serverDir);
  }

  const started = Date.now();
  await mkdir(dirname(serverDir), { recursive: true });
  const scratch = await scratchDirFor(serverDir);
  try {
    say(
      `Installing ${SERVER_LABEL} ${version} (Maven, ~800 MB download the first time, then extract)…`,
    );
    const tarball = await mavenCopy(
      SERVER_LABEL,
      `io.trino:trino-server:${version}:tar.gz`,
      join(scratch, 'download'),
      say,
    );
    say(`  extracting ${SERVER_LABEL} ${version} (~900 MB)…`);
    const extractDir = join(scratch, 'extract');
    await mkdir(extractDir);
    await step(SERVER_LABEL, 'tar', ['-xzf', tarball, '-C', extractDir], `extract ${tarball}`, [
      'check free disk space (~1 GB) under the cache directory; a truncated download is fixed by',
      `deleting io/trino/trino-server/${version} from the local Maven repository (~/.m2/repository)`,
    ]);
    const [top] = await readdir(extractDir);
    const tree = join(extractDir, top ?? '');
    if (!top || (await serverState(tree, version, false)) !== 'complete') {
      throw new InstallError(
        SERVER_LABEL,
        'check the extracted tree',
        `no bin/launcher or lib/io.trino_trino-main-${version}.jar under ${extractDir}`,
        `delete io/trino/trino-server/${version} from ~/.m2/repository and retry`,
      );
    }
    await publish(
      tree,
      serverDir,
      { name: COMPLETE_MARKER, content: `${new Date().toISOString()}\n` },
      async () => (await serverState(serverDir, version)) === 'complete',
    );
    say(`${SERVER_LABEL} ${version}: installed in ${formatDuration(Date.now() - started)}`);
    return serverDir;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * Fetches (once) the Trino CLI's executable jar with Maven; returns its path
 * (`<cache>/trino/<version>/trino-cli-<version>-executable.jar`, run it with `java -jar`).
 */
export async function ensureTrinoCli(opts: TrinoInstallOptions = {}): Promise<string> {
  const say: Progress = opts.onProgress ?? silent;
  const version = opts.version ?? versions.trino.version;
  const dir = trinoCacheDir(version, opts.cacheDir);
  const jar = join(dir, `trino-cli-${version}-executable.jar`);
  if (await isNonEmptyFile(jar)) {
    say(`${CLI_LABEL} ${version}: found in cache (${jar})`);
    return jar;
  }
  const started = Date.now();
  await mkdir(dir, { recursive: true });
  const scratch = await scratchDirFor(jar);
  try {
    say(`Installing ${CLI_LABEL} ${version} (Maven, ~19 MB)…`);
    const downloaded = await mavenCopy(
      CLI_LABEL,
      `io.trino:trino-cli:${version}:jar:executable`,
      scratch,
      say,
    );
    // A rename of one file replaces atomically: a concurrent installer's identical jar is fine.
    await rename(downloaded, jar);
    say(`${CLI_LABEL} ${version}: installed in ${formatDuration(Date.now() - started)}`);
    return jar;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * `mvn dependency:copy` of one artifact into `outDir`; returns the file's path. Maven keeps its
 * own copy in the local repository, so a second cache root (or a reinstall) does not download
 * again.
 */
async function mavenCopy(
  label: string,
  artifact: string,
  outDir: string,
  say: Progress,
): Promise<string> {
  await mkdir(outDir, { recursive: true });
  const started = Date.now();
  const heartbeat = setInterval(
    () => say(`  still fetching ${artifact} (${formatDuration(Date.now() - started)})…`),
    30_000,
  );
  try {
    await step(
      label,
      'mvn',
      [
        '--batch-mode',
        '--quiet',
        'dependency:copy',
        `-Dartifact=${artifact}`,
        `-DoutputDirectory=${outDir}`,
      ],
      `mvn dependency:copy -Dartifact=${artifact}`,
      [
        'check that Maven can reach its remote repository (`mvn help:effective-settings`,',
        'proxies in ~/.m2/settings.xml) and that ~1 GB is free under ~/.m2',
      ],
      'install Maven (Debian: apt-get install maven) and put `mvn` on PATH',
    );
  } finally {
    clearInterval(heartbeat);
  }
  const files = (await readdir(outDir)).filter((f) => !f.startsWith('.'));
  if (files.length !== 1 || !files[0]) {
    throw new InstallError(
      label,
      `find the file mvn copied`,
      `expected one file in ${outDir}, found: ${files.join(', ') || 'none'}`,
      'retry; if it persists, run the mvn command above by hand to see its output',
    );
  }
  return join(outDir, files[0]);
}

async function serverState(
  dir: string,
  version: string,
  needMarker = true,
): Promise<'absent' | 'broken' | 'complete'> {
  try {
    await access(dir);
  } catch {
    return 'absent';
  }
  const required = [
    join(dir, 'bin', 'launcher'),
    join(dir, 'lib', `io.trino_trino-main-${version}.jar`),
    join(dir, 'plugin', 'tpch'),
    join(dir, 'plugin', 'iceberg'),
    ...(needMarker ? [join(dir, COMPLETE_MARKER)] : []),
  ];
  for (const path of required) {
    try {
      await access(path);
    } catch {
      return 'broken';
    }
  }
  return 'complete';
}

async function isNonEmptyFile(path: string): Promise<boolean> {
  try {
    const s = await stat(path);
    return s.isFile() && s.size > 0;
  } catch {
    return false;
  }
}

async function step(
  label: string,
  command: string,
  args: string[],
  name: string,
  hints: string[],
  missingHint?: string,
): Promise<void> {
  await runStep(command, args, { label, name, hints, ...(missingHint ? { missingHint } : {}) });
}
