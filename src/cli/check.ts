import { execFile } from 'node:child_process';
import { access, constants, statfs } from 'node:fs/promises';
import { totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { isPortInUse, isUdpPortInUse, UserError } from '../lib/index.js';
import {
  ConfigError,
  configuredPorts,
  loadValues,
  nodeExporterRuns,
  parseToolVersion,
  planChecks,
  renderCheckLines,
  type CheckFacts,
  type LakehouseValues,
  type ToolFact,
  type ToolName,
} from '../platform/config/index.js';
import { stateDir } from '../platform/paths.js';
import { goBinaryPath, parseJavaSettings } from '../targets/local/install/index.js';
import {
  ALERTMANAGER_BINARY,
  NODE_EXPORTER_BINARY,
  PROMETHEUS_BINARY,
  PROMTOOL_BINARY,
} from '../targets/local/observability/index.js';
import { ExitError } from './errors.js';

interface CheckFlags {
  env: string;
  values: string[];
  output: 'text' | 'json';
}

/** `lakehouse check`: the prerequisites of the configured platform, one line each. */
export function registerCheckCommand(program: Command): void {
  program
    .command('check')
    .description(
      'Check prerequisites (tools, versions, free ports, disk, memory) and the environment configuration; exits 1 if anything is missing',
    )
    .option('--env <name>', 'environment: env/<name>/helm-values.yaml', 'local')
    .option(
      '-f, --values <file>',
      'extra values file merged on top (repeatable, like helm -f)',
      (file: string, previous: string[]) => [...previous, file],
      [] as string[],
    )
    .option('-o, --output <format>', 'text or json', 'text')
    .action(async (flags: CheckFlags) => {
      if (flags.output !== 'text' && flags.output !== 'json') {
        throw new UserError(
          `unknown output format "${String(flags.output)}"`,
          'use --output text or --output json',
          2,
        );
      }
      await runCheck(flags);
    });
}

async function runCheck(flags: CheckFlags): Promise<void> {
  let values: LakehouseValues;
  try {
    values = await loadValues({ env: flags.env, files: flags.values });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    if (flags.output === 'json') {
      process.stdout.write(
        `${JSON.stringify({ ok: false, env: flags.env, configProblems: err.problems }, null, 2)}\n`,
      );
      throw new ExitError(1);
    }
    throw new UserError(err.message, 'fix the values above, then run `lakehouse check` again');
  }

  const facts = await gatherFacts(values);
  // Ports the platform's own running processes hold are not conflicts.
  const { statusLocal } = await import('../targets/local/platform/index.js');
  const running = (await statusLocal({ stateDir: stateDir(), values })).processes.filter(
    (p) => p.pid !== null,
  );
  const lines = planChecks(values, facts, new Set(running.flatMap((p) => p.ports)));
  const ok = lines.every((l) => l.ok);
  if (flags.output === 'json') {
    process.stdout.write(`${JSON.stringify({ ok, env: flags.env, checks: lines }, null, 2)}\n`);
  } else {
    process.stdout.write(`${renderCheckLines(lines)}\n`);
    const failed = lines.filter((l) => !l.ok).length;
    process.stdout.write(
      ok ? `all ${lines.length} checks passed\n` : `${failed} of ${lines.length} checks failed\n`,
    );
  }
  if (!ok) throw new ExitError(1);
}

/** Version commands per tool; each prints a dotted version somewhere in its output. */
const VERSION_ARGS: Record<ToolName, string[]> = {
  node: [],
  go: ['env', 'GOVERSION'],
  python3: ['--version'],
  mvn: ['--version', '--batch-mode'],
  tar: ['--version'],
  'apt-get': ['--version'],
  kubectl: ['version', '--client'],
  helm: ['version', '--short'],
  git: ['--version'],
  tofu: ['version'],
  argocd: ['version', '--client', '--short'],
};

async function gatherFacts(values: LakehouseValues): Promise<CheckFacts> {
  const local = values.global.target === 'local';
  const toolNames: ToolName[] = local
    ? ['go', 'python3', 'mvn', 'tar', 'apt-get']
    : ['kubectl', 'helm', 'git', 'tofu', 'argocd'];
  const dir = stateDir();
  const [toolFacts, systemJavaMajor, goBuilt, observabilityInstalled, diskFreeBytes, busy] =
    await Promise.all([
      Promise.all(toolNames.map(async (t) => [t, await probeTool(t)] as const)),
      local ? probeJavaMajor() : Promise.resolve(undefined),
      Promise.all([
        executable(goBinaryPath('minio')),
        executable(goBinaryPath('statsd_exporter')),
      ]).then(([minio, statsdExporter]) => ({ minio, statsdExporter })),
      Promise.all(
        [
          PROMETHEUS_BINARY,
          PROMTOOL_BINARY,
          ALERTMANAGER_BINARY,
          ...(nodeExporterRuns(values) ? [NODE_EXPORTER_BINARY] : []),
        ].map(executable),
      ).then((r) => r.every(Boolean)),
      freeBytes(dir),
      local ? portsInUse(values) : Promise.resolve(new Set<number>()),
    ]);
  const tools: Partial<Record<ToolName, ToolFact>> = {
    node: { found: true, version: process.versions.node },
    ...Object.fromEntries(toolFacts),
  };
  return {
    tools,
    systemJavaMajor,
    isRoot: process.getuid?.() === 0,
    goBuilt,
    observabilityInstalled,
    stateDir: dir,
    diskFreeBytes,
    memoryTotalBytes: totalmem(),
    portsInUse: busy,
  };
}

function exec(command: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: 20_000 }, (err, stdout, stderr) => {
      // `java -version` writes to stderr; a non-zero exit means the tool is broken: not found.
      resolve(err ? undefined : `${stdout}\n${stderr}`);
    });
  });
}

async function probeTool(tool: ToolName): Promise<ToolFact> {
  const out = await exec(tool, VERSION_ARGS[tool]);
  const version = out === undefined ? undefined : parseToolVersion(out);
  return version ? { found: true, version } : { found: false };
}

async function probeJavaMajor(): Promise<number | undefined> {
  const home = process.env['JAVA_HOME'];
  const candidates = [...(home ? [join(home, 'bin', 'java')] : []), 'java'];
  let best: number | undefined;
  for (const java of candidates) {
    const out = await exec(java, ['-XshowSettings:properties', '-version']);
    const major = out === undefined ? undefined : parseJavaSettings(out)?.major;
    if (major !== undefined && (best === undefined || major > best)) best = major;
  }
  return best;
}

async function executable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(
    () => true,
    () => false,
  );
}

/** Free bytes for an unprivileged user where the state dir is, or will be created. */
async function freeBytes(path: string): Promise<number | undefined> {
  for (let p = path; ; p = dirname(p)) {
    try {
      const s = await statfs(p);
      return s.bavail * s.bsize;
    } catch {
      if (dirname(p) === p) return undefined;
    }
  }
}

async function portsInUse(values: LakehouseValues): Promise<Set<number>> {
  const uses = configuredPorts(values);
  const busy = await Promise.all(
    uses.map(
      async (u) =>
        [u.port, await (u.protocol === 'udp' ? isUdpPortInUse : isPortInUse)(u.port)] as const,
    ),
  );
  return new Set(busy.filter(([, inUse]) => inUse).map(([p]) => p));
}
