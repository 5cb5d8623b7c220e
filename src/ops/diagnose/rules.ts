/**
 * The runbook's troubleshooting tables as rules: pure functions from `Evidence` to findings, each
 * naming the evidence it saw, the likely cause and a command that fixes it. Titles carry the
 * Kubernetes term the runbook uses (CrashLoopBackOff, ImagePullBackOff, Pending, service not
 * accessible) so an operator who knows the runbook recognises the case. The rules of a cluster's
 * evidence (pods, Services, ArgoCD Applications) are in kubernetes-rules.ts.
 */
import { CREDENTIAL_SET_LABEL, notRestarted, ownerOf } from '../secrets/index.js';
import type { Evidence, FailedQuery, ProcessEvidence } from './evidence.js';
import { EVIDENCE_LOG_LINES, lastLines, type Finding, type Severity } from './finding.js';
import { clusterRules } from './kubernetes-rules.js';

export { EVIDENCE_LOG_LINES, type Finding, type Severity } from './finding.js';

/** Below this much free space in the state directory, nothing can be trusted to start. */
export const STATE_DIR_CRITICAL_FREE_BYTES = 1024 ** 3;
/** Below this, a warning: Trino spills, logs grow, the catalog's database grows. */
export const STATE_DIR_WARNING_FREE_BYTES = 5 * 1024 ** 3;
/** MinIO refuses writes once a drive is more than 99 % full (its minimum free drive threshold). */
export const MINIO_MIN_FREE_FRACTION = 0.01;

/** Trino error codes of queries that ran out of memory. */
export const TRINO_MEMORY_ERROR_CODES = new Set([
  'EXCEEDED_GLOBAL_MEMORY_LIMIT',
  'EXCEEDED_LOCAL_MEMORY_LIMIT',
  'EXCEEDED_USER_MEMORY_LIMIT',
  'EXCEEDED_HEAP_MEMORY_LIMIT',
  'CLUSTER_OUT_OF_MEMORY',
]);

const S3_DENIED = /access denied|\b403\b|InvalidAccessKeyId|SignatureDoesNotMatch|Forbidden/i;
const MINIO_LOG_PROBLEM =
  /no space|disk full|drive.*(full|offline|threshold)|storage.*full|quota|permission denied|read-only|readonly|faulty|unformatted/i;
const CATALOG_DB_LOG = /database|ECONNREFUSED|postgres|sqlite|SQLITE_/i;

function formatBytes(bytes: number): string {
  const gb = bytes / 1024 ** 3;
  if (gb >= 1) return `${gb >= 100 ? Math.round(gb) : gb.toFixed(1)} GB`;
  return `${Math.round(bytes / 1024 ** 2)} MB`;
}

function matchingLines(lines: string[], pattern: RegExp, n = EVIDENCE_LOG_LINES): string[] {
  return lastLines(
    lines.filter((l) => pattern.test(l)),
    n,
  );
}

function describeExit(p: ProcessEvidence): string {
  const exit = p.lastExit;
  if (!exit) return 'no exit recorded';
  const how = exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code ?? '?'}`;
  return `last exit: ${how} at ${new Date(exit.at).toISOString()}`;
}

const OS_STATES: Record<string, string> = {
  T: 'stopped by a signal',
  t: 'stopped by a tracer',
  Z: 'zombie',
  D: 'waiting on I/O',
};

function processRules(ev: Evidence): Finding[] {
  const out: Finding[] = [];
  for (const p of ev.processes) {
    if (p.state === 'crashloop') {
      out.push({
        id: 'crashloop',
        severity: 'critical',
        component: p.component,
        process: p.name,
        title: `${p.name} keeps crashing (CrashLoopBackOff)`,
        evidence: [
          `state crashloop after ${p.restarts} restarts; ${describeExit(p)}`,
          ...lastLines(p.logTail),
        ],
        cause: 'the process exits again and again shortly after it starts; its log says why',
        fix: `lakehouse logs ${p.name}\nlakehouse restart ${p.component}`,
      });
      continue;
    }
    if (p.pid !== null && !p.healthy && p.state === 'running') {
      const os = p.osState ? OS_STATES[p.osState] : undefined;
      const evidence = [`pid ${p.pid} is alive${os ? ` but ${os} (state ${p.osState})` : ''}`];
      if (p.health) evidence.push(`GET ${p.health.url}: ${p.health.detail}`);
      evidence.push(...lastLines(p.logTail, 3));
      out.push({
        id: 'service-not-accessible',
        severity: 'critical',
        component: p.component,
        process: p.name,
        title: `${p.name} runs but its health endpoint fails (service not accessible)`,
        evidence,
        cause:
          p.osState === 'T'
            ? 'the process was stopped (SIGSTOP/SIGTSTP) and answers nothing'
            : 'the process is alive but does not answer its health check: hung, overloaded or lost a dependency',
        fix:
          p.osState === 'T'
            ? `kill -CONT ${p.pid}\nlakehouse restart ${p.name}`
            : `lakehouse logs ${p.name}\nlakehouse restart ${p.name}`,
      });
      continue;
    }
    if (ev.platformRunning && p.state === 'backoff') {
      out.push({
        id: 'restarting',
        severity: 'warning',
        component: p.component,
        process: p.name,
        title: `${p.name} exited and waits to be restarted`,
        evidence: [
          `state backoff, ${p.restarts} restarts; ${describeExit(p)}`,
          ...lastLines(p.logTail),
        ],
        cause: 'the process exited without being asked to; the supervisor restarts it with backoff',
        fix: `lakehouse logs ${p.name}`,
      });
    }
    if (ev.platformRunning && p.state === 'stopped') {
      out.push({
        id: 'stopped',
        severity: p.paused ? 'info' : 'warning',
        component: p.component,
        process: p.name,
        title: `${p.name} is stopped${p.paused ? ' (reconciliation paused)' : ''}`,
        evidence: [`state stopped; ${describeExit(p)}`],
        cause: p.paused
          ? 'reconciliation is paused, so the supervisor does not start it'
          : 'it was stopped on purpose or never started',
        fix: `lakehouse restart ${p.name}`,
      });
    }
  }
  return out;
}

function platformRules(ev: Evidence): Finding[] {
  // A cluster's evidence says itself whether the API server answers (kubernetes-rules.ts).
  if (ev.platformRunning || ev.cluster) return [];
  return [
    {
      id: 'platform-down',
      severity: 'critical',
      component: 'platform',
      title: 'the platform is not running',
      evidence: ['no supervisor answers for this state directory'],
      cause: 'it was never started, was stopped with `lakehouse down`, or its supervisor died',
      fix: 'lakehouse up',
    },
  ];
}

function installRules(ev: Evidence): Finding[] {
  const out: Finding[] = [];
  const reported = new Set<string>();
  for (const inst of ev.installs) {
    const failures = ev.installFailures.filter((f) => f.component === inst.component);
    if (inst.installed && failures.length === 0) continue;
    if (inst.installed) continue; // an older failure of another step is reported below
    reported.add(inst.component);
    out.push({
      id: 'not-installed',
      severity: 'critical',
      component: inst.component,
      title: `${inst.label} is not installed (ImagePullBackOff)`,
      evidence: [
        `${inst.label} (${inst.versionKey}: ${inst.version}) is not in the install cache`,
        ...failures.map((f) => `install step "${f.step}" failed at ${f.at}: ${f.error}`),
      ],
      cause:
        failures.length > 0
          ? `the release ${inst.version} could not be installed (not published, or its registry is not reachable)`
          : 'the platform was not started with this version yet',
      fix:
        failures.length > 0
          ? `set ${inst.versionKey} to a published release in env/${ev.env}/helm-values.yaml (or a -f file), then: lakehouse up`
          : 'lakehouse up',
    });
  }
  for (const f of ev.installFailures) {
    if (reported.has(f.component)) continue;
    out.push({
      id: 'install-failed',
      severity: 'warning',
      component: f.component,
      title: `the last install of ${f.step} failed (ImagePullBackOff)`,
      evidence: [`install step "${f.step}" failed at ${f.at}: ${f.error}`],
      cause: 'the installer could not fetch or build the release',
      fix: 'lakehouse up',
    });
  }
  return out;
}

function pendingRules(ev: Evidence): Finding[] {
  const out: Finding[] = [];
  for (const port of ev.ports) {
    if (port.heldBy !== 'other') continue;
    const who = port.holder
      ? `pid ${port.holder.pid} (${port.holder.command})`
      : 'a process this user cannot see';
    out.push({
      id: 'port-held',
      severity: 'critical',
      component: componentOfOwner(port.owner),
      title: `port ${port.port} (${port.key}) is held by another process (Pending)`,
      evidence: [`${who} listens on port ${port.port}, which ${port.owner} needs`],
      cause: `${port.owner} cannot bind its port, so it cannot start`,
      fix: port.holder
        ? `kill ${port.holder.pid}   # or move ${port.owner}: set ${port.key} in a -f values file, then lakehouse up`
        : `ss -ltnp 'sport = :${port.port}'   # then stop it, or set ${port.key} in a -f values file`,
    });
  }
  if (ev.memory) {
    const toStart = ev.memory.heaps.filter(
      (h) => h.runningBytes === null || h.runningBytes !== h.configuredBytes,
    );
    const need = toStart.reduce((s, h) => s + h.configuredBytes, 0);
    // Processes restarted with a new heap give their old heap back first.
    const freed = toStart.reduce((s, h) => s + (h.runningBytes ?? 0), 0);
    const available = ev.memory.availableBytes + freed;
    if (toStart.length > 0 && need > available) {
      out.push({
        id: 'insufficient-memory',
        severity: 'critical',
        component: 'trino',
        title: `not enough memory to start ${toStart.map((h) => h.process).join(', ')} (Pending)`,
        evidence: [
          `their JVM heaps need ${formatBytes(need)}: ${toStart
            .map((h) => `${h.process} ${formatBytes(h.configuredBytes)}`)
            .join(', ')}`,
          `memory available: ${formatBytes(ev.memory.availableBytes)} of ${formatBytes(ev.memory.totalBytes)}${freed > 0 ? ` (+${formatBytes(freed)} freed by their restart)` : ''}`,
        ],
        cause: 'the configured heaps exceed the memory this machine has free',
        fix: `lower trino.coordinator.heap / trino.workers.heap (now ${ev.settings['trino.workers.heap'] ?? '?'}) or trino.workers.count in env/${ev.env}/helm-values.yaml, then: lakehouse up`,
      });
    }
  }
  for (const disk of ev.disks) {
    if (disk.component === 'minio') {
      if (disk.freeBytes >= disk.totalBytes * MINIO_MIN_FREE_FRACTION) continue;
      out.push({
        id: 'minio-disk-full',
        severity: 'critical',
        component: 'minio',
        title: `MinIO's data directory is full (Pending)`,
        evidence: [
          `${formatBytes(disk.freeBytes)} free of ${formatBytes(disk.totalBytes)} under ${disk.path}`,
        ],
        cause: `MinIO refuses writes when less than ${MINIO_MIN_FREE_FRACTION * 100} % of its drive is free`,
        fix: `df -h ${disk.path}   # free space there (delete old objects, lakehouse backup then drop tables)`,
      });
      continue;
    }
    if (disk.freeBytes >= STATE_DIR_WARNING_FREE_BYTES) continue;
    const critical = disk.freeBytes < STATE_DIR_CRITICAL_FREE_BYTES;
    out.push({
      id: 'low-disk',
      severity: critical ? 'critical' : 'warning',
      component: disk.component,
      title: `${critical ? 'not enough' : 'little'} disk space in the ${disk.what}${critical ? ' (Pending)' : ''}`,
      evidence: [
        `${formatBytes(disk.freeBytes)} free of ${formatBytes(disk.totalBytes)} under ${disk.path}`,
      ],
      cause: 'logs, Trino spill files, the catalog database and object data all grow here',
      fix: `du -sh ${disk.path}/*   # free space there, or set LAKEHOUSE_HOME to a larger file system`,
    });
  }
  return out;
}

function componentOfOwner(owner: string): string {
  if (owner.startsWith('trino')) return 'trino';
  if (owner.startsWith('minio')) return 'minio';
  if (owner.startsWith('iceberg')) return 'iceberg-catalog';
  if (owner.startsWith('airflow')) return 'airflow';
  if (owner === 'prometheus' || owner === 'alertmanager') return 'observability';
  return owner;
}

function trinoRules(ev: Evidence): Finding[] {
  const out: Finding[] = [];
  const { trinoCatalogs, trinoTableRead, trinoFailedQueries } = ev.probes;
  const icebergWanted = ev.settings['icebergCatalog.enabled'] !== 'false';
  let catalogMissing = false;
  if (trinoCatalogs?.ok && icebergWanted && !trinoCatalogs.catalogs.includes('iceberg')) {
    catalogMissing = true;
    out.push({
      id: 'trino-catalog-not-found',
      severity: 'critical',
      component: 'trino',
      title: 'Trino: "Catalog not found": the iceberg catalog is not configured',
      evidence: [`SHOW CATALOGS lists: ${trinoCatalogs.catalogs.join(', ') || '(none)'}`],
      cause: "Trino's etc/catalog/iceberg.properties is missing or was not loaded",
      fix: "lakehouse restart trino   # rewrites every node's catalog files from the values",
    });
  }
  if (trinoCatalogs && !trinoCatalogs.ok) {
    out.push({
      id: 'trino-not-answering',
      severity: 'warning',
      component: 'trino',
      process: 'trino-coordinator',
      title: 'Trino answers its health check but not queries (still starting, or overloaded)',
      evidence: [`SHOW CATALOGS failed: ${trinoCatalogs.error}`],
      cause: 'the coordinator is starting, has no active worker, or is out of resources',
      fix: 'lakehouse logs trino-coordinator\nlakehouse diagnose trino',
    });
  }
  if (trinoTableRead && !trinoTableRead.ok) {
    const denied = S3_DENIED.test(trinoTableRead.error);
    if (denied) {
      out.push({
        id: 'trino-s3-access-denied',
        severity: 'critical',
        component: 'trino',
        title: 'Trino: "S3 access denied" reading Iceberg data from MinIO',
        evidence: [`reading ${trinoTableRead.table ?? 'a table'} failed: ${trinoTableRead.error}`],
        cause:
          "Trino's iceberg catalog configuration holds wrong S3 settings (it should take the catalog's vended credentials), or MinIO refuses the keys the catalog vends",
        fix: 'lakehouse restart trino   # rewrites the catalog files; if it persists: lakehouse logs iceberg-catalog, lakehouse logs minio',
      });
    } else if (!catalogMissing) {
      out.push({
        id: 'trino-read-failed',
        severity: 'warning',
        component: 'trino',
        title: `Trino cannot read ${trinoTableRead.table ?? 'an Iceberg table'}`,
        evidence: [trinoTableRead.error],
        cause: 'the probe read of an existing table failed',
        fix: 'lakehouse logs trino-coordinator',
      });
    }
  }
  if (trinoFailedQueries?.ok) {
    const memory = trinoFailedQueries.queries.filter((q) =>
      TRINO_MEMORY_ERROR_CODES.has(q.errorCode),
    );
    if (memory.length > 0) {
      out.push({
        id: 'trino-out-of-memory',
        severity: 'warning',
        component: 'trino',
        title: `Trino: "Out of memory": ${memory.length} recent ${memory.length === 1 ? 'query' : 'queries'} exceeded memory limits`,
        evidence: memory.slice(0, 3).map(describeQuery),
        cause: `queries need more memory than trino.queryMaxMemory (${ev.settings['trino.queryMaxMemory'] ?? '?'}) or the workers' heaps (${ev.settings['trino.workers.heap'] ?? '?'}) allow`,
        fix: 'raise trino.queryMaxMemory or trino.workers.heap in the values, then: lakehouse restart trino\nor add workers: lakehouse scale trino --workers <n>',
      });
    }
    const notFound = trinoFailedQueries.queries.filter((q) => q.errorCode === 'CATALOG_NOT_FOUND');
    if (notFound.length > 0 && !catalogMissing) {
      out.push({
        id: 'trino-catalog-not-found-queries',
        severity: 'warning',
        component: 'trino',
        title: `Trino: "Catalog not found" in ${notFound.length} recent ${notFound.length === 1 ? 'query' : 'queries'}`,
        evidence: notFound.slice(0, 3).map(describeQuery),
        cause: 'queries name a catalog Trino does not have (it has: iceberg, tpch)',
        fix: 'lakehouse sql "SHOW CATALOGS"',
      });
    }
  }
  for (const p of ev.processes.filter((x) => x.component === 'trino')) {
    const oom = matchingLines(p.logTail, /OutOfMemoryError/, 3);
    if (oom.length === 0) continue;
    out.push({
      id: 'trino-jvm-out-of-memory',
      severity: 'critical',
      component: 'trino',
      process: p.name,
      title: `Trino: "Out of memory": ${p.name}'s JVM ran out of heap`,
      evidence: oom,
      cause: `the JVM heap (${ev.settings[p.name === 'trino-coordinator' ? 'trino.coordinator.heap' : 'trino.workers.heap'] ?? '?'}) is too small for the work`,
      fix: 'raise trino.workers.heap / trino.coordinator.heap in the values, then: lakehouse restart trino\nor add workers: lakehouse scale trino --workers <n>',
    });
  }
  return out;
}

function describeQuery(q: FailedQuery): string {
  const sql = q.query.replace(/\s+/g, ' ').trim();
  return `query ${q.queryId} failed with ${q.errorCode} at ${q.created}: ${sql.length > 120 ? `${sql.slice(0, 119)}…` : sql}`;
}

function minioRules(ev: Evidence): Finding[] {
  const probe = ev.probes.minioWrite;
  if (!probe || probe.ok) return [];
  const minio = ev.processes.find((p) => p.component === 'minio');
  const text = `${probe.code ?? ''} ${probe.error}`;
  const full = /StorageFull|free drive threshold|QuotaExceeded|quota|no space/i.test(text);
  const denied = /AccessDenied|InvalidAccessKeyId|SignatureDoesNotMatch/i.test(text);
  const disk = ev.disks.find((d) => d.component === 'minio');
  return [
    {
      id: 'minio-write-failed',
      severity: 'critical',
      component: 'minio',
      title: full
        ? 'MinIO: disk full or quota reached: objects cannot be written'
        : denied
          ? 'MinIO refuses the platform credentials: objects cannot be written'
          : 'MinIO cannot write objects (unwritable data directory)',
      evidence: [
        `write probe to bucket ${probe.bucket} failed: ${probe.code ? `${probe.code}: ` : ''}${probe.error}`,
        ...(disk
          ? [
              `${formatBytes(disk.freeBytes)} free of ${formatBytes(disk.totalBytes)} under ${disk.path}`,
            ]
          : []),
        ...(minio ? matchingLines(minio.logTail, MINIO_LOG_PROBLEM, 3) : []),
      ],
      cause: full
        ? "the drive under MinIO's data directory (or the bucket's quota) is full"
        : denied
          ? "the credentials in the platform's secrets no longer match MinIO's root user"
          : "MinIO's data directory cannot be written (permissions, read-only or failed drive)",
      fix: full
        ? `df -h ${disk?.path ?? '<state dir>/data/minio'}   # free space, or lift the bucket quota: mc quota clear <alias>/${probe.bucket}`
        : `lakehouse logs minio\nlakehouse restart minio`,
    },
  ];
}

function catalogRules(ev: Evidence): Finding[] {
  const ready = ev.probes.catalogReady;
  if (!ready?.ok || ready.status === 200) return [];
  const catalog = ev.processes.find((p) => p.component === 'iceberg-catalog');
  const out: Finding[] = [];
  const db = ready.checks['database'];
  if (db !== undefined && db !== 'ok') {
    out.push({
      id: 'catalog-database-unreachable',
      severity: 'critical',
      component: 'iceberg-catalog',
      title: "the catalog's database is unreachable (service not ready)",
      evidence: [
        `GET /readyz answered ${ready.status}: database: ${db}`,
        ...(catalog ? matchingLines(catalog.logTail, CATALOG_DB_LOG, 3) : []),
      ],
      cause: `the database of icebergCatalog.database (${ev.settings['icebergCatalog.database'] ?? '?'}) does not answer`,
      fix: 'start the database server (or fix icebergCatalog.database); the catalog reconnects by itself:\nlakehouse diagnose iceberg-catalog',
    });
  }
  for (const [check, result] of Object.entries(ready.checks)) {
    if (!check.startsWith('warehouse:') || result === 'ok') continue;
    out.push({
      id: 'catalog-warehouse-unwritable',
      severity: 'critical',
      component: 'iceberg-catalog',
      title: `the catalog cannot write ${check.slice('warehouse:'.length)}`,
      evidence: [`GET /readyz answered ${ready.status}: ${check}: ${result}`],
      cause: 'the warehouse location (MinIO bucket or directory) is not writable',
      fix: 'lakehouse diagnose minio',
    });
  }
  return out;
}

/** A credential rotation that is running, or that stopped half-way (its command died). */
function rotationRules(ev: Evidence): Finding[] {
  const r = ev.rotation;
  if (!r) return [];
  const owner = ownerOf(r.set);
  const label = CREDENTIAL_SET_LABEL[r.set];
  const pending = notRestarted(r);
  const evidence = [
    `started ${r.startedAt}; restarted with the new credentials: ${r.restarted.join(', ') || 'none'}`,
    ...(pending.length > 0 ? [`not restarted: ${pending.join(', ')}`] : []),
  ];
  if (r.running) {
    return [
      {
        id: 'rotation-running',
        severity: 'info',
        component: owner,
        title: `a rotation of ${label} is running`,
        evidence,
        cause: 'its command restarts the holders one by one; some may be restarting now',
        fix: 'wait for `lakehouse secrets rotate` to finish, then: lakehouse diagnose',
      },
    ];
  }
  const ownerSwitched = r.restarted.includes(owner);
  return [
    {
      id: 'rotation-interrupted',
      // Once the owner took the new credentials, holders still on the old ones are refused.
      severity: ownerSwitched && pending.length > 0 ? 'critical' : 'warning',
      component: owner,
      title: `a rotation of ${label} did not finish`,
      evidence,
      cause: ownerSwitched
        ? pending.length > 0
          ? `the rotating command stopped after ${owner} took the new credentials: ${pending.join(', ')} still sign in with the previous ones, which ${owner} refuses`
          : `the rotating command stopped before it checked that ${owner} refuses the previous credentials (or could not put them back)`
        : 'the rotating command stopped after storing the new credentials: everything still runs with the previous ones, but a component restarted now would take the new ones',
      fix: `lakehouse secrets rotate ${r.set}   # new credentials again, every holder restarted in order`,
    },
  ];
}

const SEVERITY_ORDER: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

/** Every finding the evidence supports, most severe first; only `scope`'s when one was asked. */
export function evaluateRules(ev: Evidence): Finding[] {
  const all = [
    ...platformRules(ev),
    ...installRules(ev),
    ...pendingRules(ev),
    ...processRules(ev),
    ...catalogRules(ev),
    ...minioRules(ev),
    ...trinoRules(ev),
    ...rotationRules(ev),
    ...clusterRules(ev),
  ];
  const scoped = ev.scope
    ? all.filter(
        (f) => f.component === ev.scope || f.process === ev.scope || f.component === 'platform',
      )
    : all;
  return scoped.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
}

/** 1 when anything is critical, else 0: `lakehouse diagnose`'s exit code. */
export function diagnoseExitCode(findings: Finding[]): number {
  return findings.some((f) => f.severity === 'critical') ? 1 : 0;
}
