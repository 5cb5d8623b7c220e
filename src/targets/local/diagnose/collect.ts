/**
 * The local target's evidence for `diagnose`: the supervisor's view of every process, /proc (who
 * listens where, process states, memory), the file systems, the install cache and what `up`
 * recorded, then active probes of Trino, the catalog and MinIO. Read-only, and it works with the
 * platform down (then only the passive parts say anything).
 */
import { existsSync, readFileSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { join } from 'node:path';
import {
  configuredPorts,
  heapBytes,
  type LakehouseValues,
} from '../../../platform/config/index.js';
import type {
  DiagnoseTarget,
  DiskEvidence,
  Evidence,
  HeapEvidence,
  InstallEvidence,
  PortEvidence,
  Probes,
  ProcessEvidence,
} from '../../../ops/diagnose/index.js';
import { UserError } from '../../../lib/index.js';
import { cacheRoot } from '../../../platform/install/index.js';
import { goBinaryPath } from '../install/index.js';
import { trinoCacheDir } from '../install/trino.js';
import { ALERTMANAGER_BINARY, PROMETHEUS_BINARY } from '../observability/index.js';
import { platformLayout, TRINO_COORDINATOR, trinoWorker } from '../platform/layout.js';
import { readInstallFailures } from '../platform/install-failures.js';
import { readRotation } from '../releases/store.js';
import { statusLocal } from '../platform/status.js';
import { COMPONENT_ALIASES, COMPONENT_ORDER, type ProcessStatus } from '../process-spec.js';
import { secretsFile, ensureSecrets } from '../secrets.js';
import {
  readDesiredSpecs,
  readLogTail,
  SupervisorClient,
  SupervisorUnavailableError,
  supervisorPaths,
} from '../supervisor/index.js';
import {
  listeningSockets,
  meminfo,
  procCommand,
  procStat,
  socketOwners,
  xmxBytes,
} from './proc.js';
import { probeCatalogReady, probeHealthDetail, probeMinioWrite, probeTrino } from './probes.js';

/** Log lines kept per process (rules quote the last few, or the matching ones). */
const LOG_TAIL_LINES = 60;

/** Refuses a scope that names neither a component nor a process of the platform. */
function checkScope(scope: string, processes: readonly { name: string }[]): void {
  const known: readonly string[] = COMPONENT_ORDER;
  if (known.includes(scope) || processes.some((p) => p.name === scope)) return;
  throw new UserError(
    `unknown component or process "${scope}"`,
    `components: ${COMPONENT_ORDER.join(', ')} (or catalog); processes: ${processes.map((p) => p.name).join(', ')}`,
  );
}

/** A database URL with its password hidden (settings are printed). */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]+):[^@]*@/i, '$1:***@');
}

export interface LocalDiagnoseOptions {
  stateDir: string;
  env: string;
  values: LakehouseValues;
}

export class LocalDiagnoseTarget implements DiagnoseTarget {
  constructor(private readonly opts: LocalDiagnoseOptions) {}

  async collectEvidence(component?: string): Promise<Evidence> {
    const { stateDir, values, env } = this.opts;
    const scope = component ? (COMPONENT_ALIASES[component] ?? component) : undefined;
    const client = SupervisorClient.forStateDir(stateDir);
    let live: ProcessStatus[] | null = null;
    let supervisorPid: number | null = null;
    try {
      live = await client.status();
      supervisorPid = await client.ping();
    } catch (err) {
      if (!(err instanceof SupervisorUnavailableError)) throw err;
    }
    const processes = live ? this.liveProcesses(live) : await this.expectedProcesses();
    if (scope !== undefined) checkScope(scope, processes);
    await this.addHealthDetail(processes);
    const scopeComponent = scope
      ? (processes.find((p) => p.name === scope)?.component ?? scope)
      : undefined;
    const wants = (c: string): boolean => scopeComponent === undefined || scopeComponent === c;

    const probes: Probes = live ? await this.probe(processes, wants) : {};
    return {
      at: Date.now(),
      env,
      platformRunning: live !== null,
      ...(scope ? { scope } : {}),
      processes,
      ports: this.ports(processes, supervisorPid),
      ...this.memory(processes),
      disks: await this.disks(),
      installs: this.installs(),
      installFailures: readInstallFailures(stateDir),
      ...this.rotation(),
      probes,
      settings: {
        'trino.queryMaxMemory': values.trino.queryMaxMemory,
        'trino.coordinator.heap': values.trino.coordinator.heap,
        'trino.workers.heap': values.trino.workers.heap,
        'trino.workers.count': String(values.trino.workers.count),
        'icebergCatalog.enabled': String(values.icebergCatalog.enabled),
        'icebergCatalog.database': redactUrl(values.icebergCatalog.database),
      },
    };
  }

  /** A rotation's journal, and whether the command that wrote it still runs. */
  private rotation(): Pick<Evidence, 'rotation'> {
    const rotation = readRotation(this.opts.stateDir);
    return rotation ? { rotation } : {};
  }

  private logTail(name: string): string[] {
    const text = readLogTail(supervisorPaths(this.opts.stateDir).processLog(name), LOG_TAIL_LINES);
    return text === '' ? [] : text.split('\n');
  }

  private liveProcesses(live: ProcessStatus[]): ProcessEvidence[] {
    return live.map((p) => {
      const stat = p.pid === null ? null : procStat(p.pid);
      return {
        name: p.name,
        component: p.component,
        state: p.state,
        pid: p.pid,
        healthy: p.healthy,
        restarts: p.restarts,
        lastExit: p.lastExit,
        paused: p.paused,
        startedAt: p.startedAt,
        ...(stat ? { osState: stat.state } : {}),
        logTail: this.logTail(p.name),
      };
    });
  }

  /** With no supervisor: what the values call for, none of it running. */
  private async expectedProcesses(): Promise<ProcessEvidence[]> {
    const status = await statusLocal({ stateDir: this.opts.stateDir, values: this.opts.values });
    return status.processes.map((row) => ({
      name: row.name,
      component: row.component,
      state: 'not running',
      pid: null,
      healthy: false,
      restarts: 0,
      lastExit: null,
      paused: false,
      startedAt: null,
      logTail: this.logTail(row.name),
    }));
  }

  /** For each live but unhealthy process: one probe of its health endpoint, to quote. */
  private async addHealthDetail(processes: ProcessEvidence[]): Promise<void> {
    const specs = new Map(readDesiredSpecs(this.opts.stateDir).map((s) => [s.name, s]));
    await Promise.all(
      processes.map(async (p) => {
        const spec = specs.get(p.name);
        if (p.pid === null || p.healthy || !spec) return;
        p.health = { url: spec.health.url, ...(await probeHealthDetail(spec.health.url)) };
      }),
    );
  }

  /** `supervisorPid`: the supervisor holds a port of its own (its metrics and alert receiver). */
  private ports(processes: ProcessEvidence[], supervisorPid: number | null): PortEvidence[] {
    const uses = configuredPorts(this.opts.values);
    const wanted = new Set(uses.map((u) => u.port));
    const listeners = listeningSockets().filter((l) => wanted.has(l.port));
    const owners = socketOwners(new Set(listeners.map((l) => l.inode)));
    // Our processes run in their own sessions (the supervisor starts each with setsid).
    const ours = new Set(processes.flatMap((p) => (p.pid === null ? [] : [p.pid])));
    if (supervisorPid !== null) ours.add(supervisorPid);
    return uses.map((use) => {
      const onPort = listeners.filter((l) => l.port === use.port);
      if (onPort.length === 0) return { ...use, heldBy: 'free' };
      const pid = onPort.map((l) => owners.get(l.inode)).find((x) => x !== undefined);
      if (pid === undefined) return { ...use, heldBy: 'other' };
      const stat = procStat(pid);
      const platform = ours.has(pid) || (stat !== null && ours.has(stat.session));
      const command = procCommand(pid) ?? '?';
      return {
        ...use,
        heldBy: platform ? 'platform' : 'other',
        holder: { pid, command: command.length > 200 ? `${command.slice(0, 199)}…` : command },
      };
    });
  }

  private memory(processes: ProcessEvidence[]): Pick<Evidence, 'memory'> {
    const mem = meminfo();
    const { trino } = this.opts.values;
    if (!mem || !trino.enabled) return {};
    const nodes = [
      { name: TRINO_COORDINATOR, heap: trino.coordinator.heap },
      ...Array.from({ length: trino.workers.count }, (_, i) => ({
        name: trinoWorker(i),
        heap: trino.workers.heap,
      })),
    ];
    const heaps: HeapEvidence[] = nodes.map((node) => {
      const p = processes.find((x) => x.name === node.name);
      return {
        process: node.name,
        configuredBytes: heapBytes(node.heap),
        runningBytes: p?.pid ? this.runningHeap(p.pid, node.name) : null,
      };
    });
    return { memory: { ...mem, heaps } };
  }

  /** The running JVM's -Xmx: its command line, else the jvm.config it was started with. */
  private runningHeap(pid: number, node: string): number | null {
    const fromCommand = xmxBytes(procCommand(pid) ?? '');
    if (fromCommand !== null) return fromCommand;
    try {
      const config = readFileSync(
        join(platformLayout(this.opts.stateDir).trinoNode(node), 'etc', 'jvm.config'),
        'utf8',
      );
      return xmxBytes(config);
    } catch {
      return null;
    }
  }

  private async disks(): Promise<DiskEvidence[]> {
    const layout = platformLayout(this.opts.stateDir);
    const dirs = [
      { what: 'state directory', component: 'platform', path: layout.stateDir },
      ...(this.opts.values.minio.enabled
        ? [{ what: 'MinIO data directory', component: 'minio', path: layout.minioData }]
        : []),
    ];
    const out: DiskEvidence[] = [];
    for (const dir of dirs) {
      if (!existsSync(dir.path)) continue;
      try {
        const s = await statfs(dir.path);
        out.push({ ...dir, freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize });
      } catch {
        // Unreadable: nothing to say about its space.
      }
    }
    return out;
  }

  private installs(): InstallEvidence[] {
    const v = this.opts.values;
    const out: InstallEvidence[] = [];
    const obs = v.observability;
    if (obs.prometheus.enabled) {
      out.push({
        component: 'observability',
        label: `Prometheus ${obs.prometheus.version}`,
        versionKey: 'observability.prometheus.version',
        version: obs.prometheus.version,
        installed: existsSync(PROMETHEUS_BINARY),
      });
    }
    if (obs.alertmanager.enabled) {
      out.push({
        component: 'observability',
        label: `Alertmanager ${obs.alertmanager.version}`,
        versionKey: 'observability.alertmanager.version',
        version: obs.alertmanager.version,
        installed: existsSync(ALERTMANAGER_BINARY),
      });
    }
    if (v.minio.enabled) {
      out.push({
        component: 'minio',
        label: 'MinIO',
        versionKey: 'minio.version',
        version: v.minio.version,
        installed: existsSync(goBinaryPath('minio')),
      });
    }
    if (v.trino.enabled) {
      out.push({
        component: 'trino',
        label: `Trino ${v.trino.version} server`,
        versionKey: 'trino.version',
        version: v.trino.version,
        // The installer writes this marker last: a failed or partial install has none.
        installed: existsSync(
          join(trinoCacheDir(v.trino.version), 'server', '.lakehouse-complete'),
        ),
      });
    }
    if (v.airflow.enabled) {
      out.push({
        component: 'airflow',
        label: `Airflow ${v.airflow.version}`,
        versionKey: 'airflow.version',
        version: v.airflow.version,
        installed: existsSync(join(cacheRoot(), 'airflow')),
      });
    }
    return out;
  }

  private async probe(
    processes: ProcessEvidence[],
    wants: (component: string) => boolean,
  ): Promise<Probes> {
    const v = this.opts.values;
    const healthy = (name: string): boolean =>
      processes.some((p) => p.name === name && p.healthy && p.pid !== null);
    const work: Array<Promise<Partial<Probes>>> = [];
    if (v.trino.enabled && wants('trino') && healthy(TRINO_COORDINATOR)) {
      const catalogUp = v.icebergCatalog.enabled && healthy('iceberg-catalog');
      work.push(probeTrino(v.trino.coordinator.port, catalogUp));
    }
    if (v.icebergCatalog.enabled && wants('iceberg-catalog') && healthy('iceberg-catalog')) {
      work.push(
        probeCatalogReady(v.icebergCatalog.port).then((catalogReady) => ({ catalogReady })),
      );
    }
    if (v.minio.enabled && wants('minio') && healthy('minio')) {
      const file = secretsFile(this.opts.stateDir);
      if (existsSync(file)) {
        const secrets = await ensureSecrets(this.opts.stateDir);
        work.push(
          probeMinioWrite({
            port: v.minio.ports.api,
            bucket: v.minio.bucket,
            key: secrets.minio,
          }).then((minioWrite) => ({ minioWrite })),
        );
      }
    }
    return Object.assign({}, ...(await Promise.all(work))) as Probes;
  }
}
