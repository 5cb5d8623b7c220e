import { describe, expect, it } from 'vitest';
import {
  diagnoseExitCode,
  evaluateRules,
  renderFindings,
  STATE_DIR_CRITICAL_FREE_BYTES,
  STATE_DIR_WARNING_FREE_BYTES,
  type Evidence,
  type Finding,
  type ProcessEvidence,
} from '../../../../src/ops/diagnose/index.js';
import type { Component } from '../../../../src/ops/index.js';

const GB = 1024 ** 3;
const NOW = Date.parse('2026-11-23T23:00:00Z');

function proc(
  name: string,
  component: string,
  over: Partial<ProcessEvidence> = {},
): ProcessEvidence {
  return {
    name,
    component,
    state: 'running',
    pid: 1000 + name.length,
    healthy: true,
    restarts: 0,
    lastExit: null,
    paused: false,
    startedAt: NOW - 60_000,
    osState: 'S',
    logTail: [`${name} started`],
    ...over,
  };
}

/** A healthy platform's evidence; each test breaks one thing. */
function healthy(): Evidence {
  return {
    at: NOW,
    env: 'local',
    platformRunning: true,
    processes: [
      proc('minio', 'minio'),
      proc('iceberg-catalog', 'iceberg-catalog'),
      proc('trino-coordinator', 'trino'),
      proc('trino-worker-1', 'trino'),
    ],
    ports: [
      {
        key: 'minio.ports.api',
        port: 9000,
        owner: 'minio',
        heldBy: 'platform',
        holder: { pid: 1005, command: 'minio server' },
      },
      { key: 'icebergCatalog.port', port: 8181, owner: 'iceberg catalog', heldBy: 'platform' },
    ],
    memory: {
      availableBytes: 10 * GB,
      totalBytes: 24 * GB,
      heaps: [
        { process: 'trino-coordinator', configuredBytes: 2 * GB, runningBytes: 2 * GB },
        { process: 'trino-worker-1', configuredBytes: 2 * GB, runningBytes: 2 * GB },
      ],
    },
    disks: [
      {
        what: 'state directory',
        component: 'platform',
        path: '/s',
        freeBytes: 70 * GB,
        totalBytes: 250 * GB,
      },
      {
        what: 'MinIO data directory',
        component: 'minio',
        path: '/s/data/minio',
        freeBytes: 70 * GB,
        totalBytes: 250 * GB,
      },
    ],
    installs: [
      {
        component: 'trino',
        label: 'Trino 476 server',
        versionKey: 'trino.version',
        version: '476',
        installed: true,
      },
      {
        component: 'minio',
        label: 'MinIO',
        versionKey: 'minio.version',
        version: 'v0',
        installed: true,
      },
    ],
    installFailures: [],
    probes: {
      trinoCatalogs: { ok: true, catalogs: ['iceberg', 'system', 'tpch'] },
      trinoTableRead: { ok: true, table: 'iceberg.demo.orders' },
      trinoFailedQueries: { ok: true, queries: [] },
      catalogReady: {
        ok: true,
        status: 200,
        checks: { database: 'ok', 'warehouse:lakehouse': 'ok' },
      },
      minioWrite: { ok: true, bucket: 'warehouse' },
    },
    settings: {
      'trino.queryMaxMemory': '1GB',
      'trino.coordinator.heap': '2G',
      'trino.workers.heap': '2G',
      'icebergCatalog.enabled': 'true',
      'icebergCatalog.database': 'sqlite',
    },
  };
}

function only(findings: Finding[], id: string): Finding {
  const matching = findings.filter((f) => f.id === id);
  expect(matching, JSON.stringify(findings, null, 2)).toHaveLength(1);
  return matching[0] as Finding;
}

function withProcess(ev: Evidence, name: string, over: Partial<ProcessEvidence>): Evidence {
  return {
    ...ev,
    processes: ev.processes.map((p) => (p.name === name ? { ...p, ...over } : p)),
  };
}

describe('diagnose rules', () => {
  it('find nothing on a healthy platform (exit code 0)', () => {
    const findings = evaluateRules(healthy());
    expect(findings).toEqual([]);
    expect(diagnoseExitCode(findings)).toBe(0);
  });

  it('crashloop: CrashLoopBackOff with the last exit and log lines, fix restart', () => {
    const ev = withProcess(healthy(), 'iceberg-catalog', {
      state: 'crashloop',
      pid: null,
      healthy: false,
      restarts: 5,
      lastExit: { code: null, signal: 'SIGKILL', at: NOW - 1000 },
      logTail: [
        'a',
        'b',
        'c',
        'd',
        'exited (signal SIGKILL)',
        'crash loop: 5 failures within 300 s',
      ],
    });
    const findings = evaluateRules(ev);
    const f = only(findings, 'crashloop');
    expect(f.severity).toBe('critical');
    expect(f.process).toBe('iceberg-catalog');
    expect(f.title).toContain('CrashLoopBackOff');
    expect(f.evidence[0]).toBe(
      'state crashloop after 5 restarts; last exit: killed by SIGKILL at 2026-11-23T22:59:59.000Z',
    );
    expect(f.evidence).toContain('log: crash loop: 5 failures within 300 s');
    expect(f.evidence).not.toContain('log: a');
    expect(f.fix).toBe('lakehouse logs iceberg-catalog\nlakehouse restart iceberg-catalog');
    expect(diagnoseExitCode(findings)).toBe(1);
  });

  it('service not accessible: a live pid whose health check fails; SIGSTOP is named', () => {
    const ev = withProcess(healthy(), 'iceberg-catalog', {
      healthy: false,
      osState: 'T',
      health: {
        url: 'http://127.0.0.1:8181/v1/config',
        ok: false,
        detail: 'no answer within 3000 ms',
      },
    });
    const f = only(evaluateRules(ev), 'service-not-accessible');
    expect(f.title).toContain('service not accessible');
    expect(f.evidence[0]).toBe('pid 1015 is alive but stopped by a signal (state T)');
    expect(f.evidence[1]).toBe('GET http://127.0.0.1:8181/v1/config: no answer within 3000 ms');
    expect(f.fix).toContain('kill -CONT 1015');

    const hung = withProcess(healthy(), 'minio', { healthy: false, osState: 'S' });
    const g = only(evaluateRules(hung), 'service-not-accessible');
    expect(g.evidence[0]).toBe('pid 1005 is alive');
    expect(g.fix).toContain('lakehouse restart minio');
  });

  it('a process still starting is not reported as inaccessible', () => {
    const ev = withProcess(healthy(), 'trino-worker-1', { state: 'starting', healthy: false });
    expect(evaluateRules(ev)).toEqual([]);
  });

  it('not installed: ImagePullBackOff naming the version and the recorded failure', () => {
    const ev = healthy();
    ev.installs = [
      {
        component: 'trino',
        label: 'Trino 999 server',
        versionKey: 'trino.version',
        version: '999',
        installed: false,
      },
    ];
    ev.installFailures = [
      {
        component: 'trino',
        step: 'Trino 999 server',
        error: 'Could not find artifact io.trino:trino-server:tar.gz:999',
        at: '2026-11-23T22:00:00.000Z',
      },
    ];
    const f = only(evaluateRules(ev), 'not-installed');
    expect(f.title).toBe('Trino 999 server is not installed (ImagePullBackOff)');
    expect(f.evidence[1]).toContain(
      'install step "Trino 999 server" failed at 2026-11-23T22:00:00.000Z',
    );
    expect(f.fix).toContain('trino.version');
    expect(f.fix).toContain('lakehouse up');
  });

  it('not installed without a recorded failure: fix is lakehouse up', () => {
    const ev = healthy();
    ev.installs = [
      {
        component: 'minio',
        label: 'MinIO',
        versionKey: 'minio.version',
        version: 'v1',
        installed: false,
      },
    ];
    expect(only(evaluateRules(ev), 'not-installed').fix).toBe('lakehouse up');
  });

  it('a failure of a component that is installed is a warning', () => {
    const ev = healthy();
    ev.installFailures = [{ component: 'minio', step: 'MinIO', error: 'go: timeout', at: 'x' }];
    const f = only(evaluateRules(ev), 'install-failed');
    expect(f.severity).toBe('warning');
  });

  it('Pending: a port held by another process names its pid and command', () => {
    const ev = healthy();
    ev.ports = [
      {
        key: 'icebergCatalog.port',
        port: 8181,
        owner: 'iceberg catalog',
        heldBy: 'other',
        holder: { pid: 4242, command: 'python3 -m http.server 8181' },
      },
      { key: 'minio.ports.api', port: 9000, owner: 'minio', heldBy: 'free' },
    ];
    const f = only(evaluateRules(ev), 'port-held');
    expect(f.component).toBe('iceberg-catalog');
    expect(f.title).toBe('port 8181 (icebergCatalog.port) is held by another process (Pending)');
    expect(f.evidence[0]).toBe(
      'pid 4242 (python3 -m http.server 8181) listens on port 8181, which iceberg catalog needs',
    );
    expect(f.fix).toMatch(/^kill 4242/);
  });

  it('Pending: heaps to start exceed the memory available', () => {
    const ev = healthy();
    ev.memory = {
      availableBytes: 10 * GB,
      totalBytes: 24 * GB,
      heaps: [
        { process: 'trino-coordinator', configuredBytes: 2 * GB, runningBytes: 2 * GB },
        { process: 'trino-worker-1', configuredBytes: 512 * GB, runningBytes: 2 * GB },
      ],
    };
    const f = only(evaluateRules(ev), 'insufficient-memory');
    expect(f.title).toBe('not enough memory to start trino-worker-1 (Pending)');
    expect(f.evidence[0]).toBe('their JVM heaps need 512 GB: trino-worker-1 512 GB');
    expect(f.evidence[1]).toContain('memory available: 10.0 GB of 24.0 GB (+2.0 GB freed');
  });

  it('memory: processes not running count; enough memory is silent', () => {
    const ev = healthy();
    ev.memory = {
      availableBytes: 3 * GB,
      totalBytes: 24 * GB,
      heaps: [
        { process: 'trino-coordinator', configuredBytes: 2 * GB, runningBytes: null },
        { process: 'trino-worker-1', configuredBytes: 2 * GB, runningBytes: null },
      ],
    };
    expect(only(evaluateRules(ev), 'insufficient-memory').title).toContain(
      'trino-coordinator, trino-worker-1',
    );
    ev.memory.availableBytes = 5 * GB;
    expect(evaluateRules(ev)).toEqual([]);
  });

  it('disk: state directory warning and critical thresholds', () => {
    const ev = healthy();
    ev.disks = [
      {
        what: 'state directory',
        component: 'platform',
        path: '/s',
        freeBytes: STATE_DIR_WARNING_FREE_BYTES - 1,
        totalBytes: 250 * GB,
      },
    ];
    expect(only(evaluateRules(ev), 'low-disk').severity).toBe('warning');
    ev.disks = [
      {
        what: 'state directory',
        component: 'platform',
        path: '/s',
        freeBytes: STATE_DIR_CRITICAL_FREE_BYTES - 1,
        totalBytes: 250 * GB,
      },
    ];
    const f = only(evaluateRules(ev), 'low-disk');
    expect(f.severity).toBe('critical');
    expect(f.title).toContain('Pending');
  });

  it("MinIO's drive under 1 % free is full", () => {
    const ev = healthy();
    ev.disks = [
      {
        what: 'MinIO data directory',
        component: 'minio',
        path: '/m',
        freeBytes: 1024 ** 2,
        totalBytes: 256 * 1024 ** 2,
      },
    ];
    expect(only(evaluateRules(ev), 'minio-disk-full').evidence[0]).toBe(
      '1 MB free of 256 MB under /m',
    );
  });

  it('Trino "Catalog not found": iceberg missing from SHOW CATALOGS', () => {
    const ev = healthy();
    ev.probes.trinoCatalogs = { ok: true, catalogs: ['system', 'tpch'] };
    delete ev.probes.trinoTableRead;
    const f = only(evaluateRules(ev), 'trino-catalog-not-found');
    expect(f.title).toContain('Catalog not found');
    expect(f.evidence[0]).toBe('SHOW CATALOGS lists: system, tpch');
    expect(f.fix).toMatch(/^lakehouse restart trino/);
  });

  it('Trino answering no query is a warning naming the error', () => {
    const ev = healthy();
    ev.probes = { trinoCatalogs: { ok: false, error: 'SERVER_STARTING_UP' } };
    const f = only(evaluateRules(ev), 'trino-not-answering');
    expect(f.severity).toBe('warning');
    expect(f.evidence).toEqual(['SHOW CATALOGS failed: SERVER_STARTING_UP']);
  });

  it('Trino "Catalog not found" in recent queries only is a warning', () => {
    const ev = healthy();
    ev.probes.trinoFailedQueries = {
      ok: true,
      queries: [
        {
          queryId: 'q1',
          errorCode: 'CATALOG_NOT_FOUND',
          errorType: 'USER_ERROR',
          query: 'SELECT 1 FROM nope.a.b',
          created: 't',
        },
      ],
    };
    expect(only(evaluateRules(ev), 'trino-catalog-not-found-queries').severity).toBe('warning');
  });

  it('Trino "S3 access denied": the probe read fails with 403 / Access Denied', () => {
    for (const error of [
      'Failed to open input stream for file: s3://warehouse/x (Service: S3, Status Code: 403, Request ID: 1)',
      'Access Denied.',
      'The AWS Access Key Id you provided does not exist in our records. (InvalidAccessKeyId)',
      'SignatureDoesNotMatch',
    ]) {
      const ev = healthy();
      ev.probes.trinoTableRead = { ok: false, table: 'iceberg.demo.orders', error };
      const f = only(evaluateRules(ev), 'trino-s3-access-denied');
      expect(f.evidence[0]).toBe(`reading iceberg.demo.orders failed: ${error}`);
      expect(f.fix).toMatch(/^lakehouse restart trino/);
    }
  });

  it('another read failure is a warning, not access denied', () => {
    const ev = healthy();
    ev.probes.trinoTableRead = {
      ok: false,
      table: 'iceberg.demo.orders',
      error: 'Table not found',
    };
    expect(only(evaluateRules(ev), 'trino-read-failed').severity).toBe('warning');
  });

  it('Trino out of memory: recent queries with memory error codes', () => {
    const ev = healthy();
    ev.probes.trinoFailedQueries = {
      ok: true,
      queries: [
        {
          queryId: '20261123_1',
          errorCode: 'EXCEEDED_GLOBAL_MEMORY_LIMIT',
          errorType: 'INSUFFICIENT_RESOURCES',
          query: 'SELECT\n  big',
          created: '2026-11-23 22:59',
        },
        {
          queryId: '20261123_2',
          errorCode: 'SYNTAX_ERROR',
          errorType: 'USER_ERROR',
          query: 'SELEC',
          created: '2026-11-23 22:59',
        },
      ],
    };
    const f = only(evaluateRules(ev), 'trino-out-of-memory');
    expect(f.severity).toBe('warning');
    expect(f.evidence).toEqual([
      'query 20261123_1 failed with EXCEEDED_GLOBAL_MEMORY_LIMIT at 2026-11-23 22:59: SELECT big',
    ]);
    expect(f.cause).toContain('1GB');
    expect(f.fix).toContain('lakehouse scale trino --workers');
  });

  it('Trino out of memory: OutOfMemoryError in a JVM log is critical', () => {
    const ev = withProcess(healthy(), 'trino-worker-1', {
      logTail: ['ok', 'java.lang.OutOfMemoryError: Java heap space', 'more'],
    });
    const f = only(evaluateRules(ev), 'trino-jvm-out-of-memory');
    expect(f.severity).toBe('critical');
    expect(f.evidence).toEqual(['log: java.lang.OutOfMemoryError: Java heap space']);
  });

  it('MinIO: a failed write probe, disk full, with its log lines', () => {
    const ev = withProcess(healthy(), 'minio', {
      logTail: ['API: PutObject', 'Error: drive /data: no space left on device', 'other'],
    });
    ev.probes.minioWrite = {
      ok: false,
      bucket: 'warehouse',
      code: 'XMinioStorageFull',
      error: 'Storage backend has reached its minimum free drive threshold.',
    };
    const f = only(evaluateRules(ev), 'minio-write-failed');
    expect(f.title).toContain('disk full');
    expect(f.evidence[0]).toBe(
      'write probe to bucket warehouse failed: XMinioStorageFull: Storage backend has reached its minimum free drive threshold.',
    );
    expect(f.evidence).toContain('log: Error: drive /data: no space left on device');
  });

  it('MinIO: an access error is named as such', () => {
    const ev = healthy();
    ev.probes.minioWrite = {
      ok: false,
      bucket: 'warehouse',
      code: 'AccessDenied',
      error: 'Access Denied.',
    };
    expect(only(evaluateRules(ev), 'minio-write-failed').title).toContain('credentials');
  });

  it('catalog database unreachable: /readyz 503 with the database check failing', () => {
    const ev = withProcess(healthy(), 'iceberg-catalog', {
      logTail: [
        '{"msg":"request"}',
        '{"msg":"database ping failed: connect ECONNREFUSED 127.0.0.1:5432"}',
      ],
    });
    ev.probes.catalogReady = {
      ok: true,
      status: 503,
      checks: { database: 'connect ECONNREFUSED 127.0.0.1:5432', 'warehouse:lakehouse': 'ok' },
    };
    ev.settings['icebergCatalog.database'] = 'postgres://lakehouse:***@127.0.0.1:5432/catalog';
    const f = only(evaluateRules(ev), 'catalog-database-unreachable');
    expect(f.evidence[0]).toBe(
      'GET /readyz answered 503: database: connect ECONNREFUSED 127.0.0.1:5432',
    );
    expect(f.evidence[1]).toContain('ECONNREFUSED');
    expect(f.cause).toContain('postgres://lakehouse:***@');
    expect(evaluateRules(ev).map((x) => x.id)).not.toContain('catalog-warehouse-unwritable');
  });

  it('the platform down: one critical finding, fix lakehouse up; no process noise', () => {
    const ev = healthy();
    ev.platformRunning = false;
    ev.processes = ev.processes.map((p) => ({
      ...p,
      state: 'not running',
      pid: null,
      healthy: false,
    }));
    ev.probes = {};
    const findings = evaluateRules(ev);
    expect(findings.map((f) => f.id)).toEqual(['platform-down']);
    expect(findings[0]?.fix).toBe('lakehouse up');
  });

  it('a stopped or restarting process is a warning', () => {
    const ev = withProcess(healthy(), 'minio', { state: 'stopped', pid: null, healthy: false });
    expect(only(evaluateRules(ev), 'stopped').severity).toBe('warning');
    const backoff = withProcess(healthy(), 'minio', {
      state: 'backoff',
      pid: null,
      healthy: false,
      lastExit: { code: 1, signal: null, at: NOW },
    });
    expect(only(evaluateRules(backoff), 'restarting').evidence[0]).toContain('exit code 1');
  });

  it('a credential rotation that stopped half-way: critical once the owner switched, fix rotate again', () => {
    const holders: Component[] = ['minio', 'iceberg-catalog', 'trino', 'observability'];
    const rotation = { set: 'minio' as const, startedAt: '2026-11-23T22:00:00Z', holders };
    const halfway = only(
      evaluateRules({
        ...healthy(),
        rotation: { ...rotation, restarted: ['minio', 'iceberg-catalog'], running: false },
      }),
      'rotation-interrupted',
    );
    expect(halfway).toMatchObject({
      severity: 'critical',
      component: 'minio',
      title: "a rotation of MinIO's root credentials did not finish",
      evidence: [
        'started 2026-11-23T22:00:00Z; restarted with the new credentials: minio, iceberg-catalog',
        'not restarted: trino, observability',
      ],
    });
    expect(halfway.cause).toContain('trino, observability still sign in with the previous ones');
    expect(halfway.fix).toMatch(/^lakehouse secrets rotate minio /);

    const beforeOwner = only(
      evaluateRules({ ...healthy(), rotation: { ...rotation, restarted: [], running: false } }),
      'rotation-interrupted',
    );
    expect(beforeOwner.severity).toBe('warning');
    expect(beforeOwner.cause).toContain('everything still runs with the previous ones');

    const running = evaluateRules({
      ...healthy(),
      rotation: { ...rotation, restarted: ['minio'], running: true },
    });
    expect(only(running, 'rotation-running').severity).toBe('info');
    expect(running.map((f) => f.id)).toEqual(['rotation-running']);
    expect(
      evaluateRules({
        ...healthy(),
        scope: 'trino',
        rotation: { ...rotation, restarted: ['minio'], running: false },
      }),
    ).toEqual([]);
  });

  it('scope: only the component asked about (and the platform) is reported, critical first', () => {
    const ev = withProcess(healthy(), 'minio', { state: 'crashloop', pid: null, healthy: false });
    ev.probes.trinoFailedQueries = {
      ok: true,
      queries: [
        {
          queryId: 'q',
          errorCode: 'CLUSTER_OUT_OF_MEMORY',
          errorType: 'INSUFFICIENT_RESOURCES',
          query: 'x',
          created: 't',
        },
      ],
    };
    expect(evaluateRules(ev).map((f) => f.id)).toEqual(['crashloop', 'trino-out-of-memory']);
    expect(evaluateRules({ ...ev, scope: 'trino' }).map((f) => f.id)).toEqual([
      'trino-out-of-memory',
    ]);
    expect(evaluateRules({ ...ev, scope: 'minio' }).map((f) => f.id)).toEqual(['crashloop']);
  });
});

describe('renderFindings', () => {
  it('says "No problems found" when there are none', () => {
    expect(renderFindings([])).toBe('✔ No problems found\n');
    expect(renderFindings([], 'trino')).toBe('✔ No problems found in trino\n');
  });

  it('prints severity, component, title, evidence, cause and every fix line', () => {
    const text = renderFindings([
      {
        id: 'crashloop',
        severity: 'critical',
        component: 'iceberg-catalog',
        process: 'iceberg-catalog',
        title: 'iceberg-catalog keeps crashing (CrashLoopBackOff)',
        evidence: ['state crashloop', 'log: boom'],
        cause: 'it exits',
        fix: 'lakehouse logs iceberg-catalog\nlakehouse restart iceberg-catalog',
      },
      {
        id: 'trino-out-of-memory',
        severity: 'warning',
        component: 'trino',
        title: 'out of memory',
        evidence: [],
        cause: 'big query',
        fix: 'lakehouse restart trino',
      },
    ]);
    expect(text).toBe(
      [
        '✗ CRITICAL [iceberg-catalog] iceberg-catalog keeps crashing (CrashLoopBackOff)',
        '    evidence: state crashloop',
        '    evidence: log: boom',
        '    cause:    it exits',
        '    fix:      lakehouse logs iceberg-catalog',
        '              lakehouse restart iceberg-catalog',
        '',
        '! WARNING [trino] out of memory',
        '    cause:    big query',
        '    fix:      lakehouse restart trino',
        '',
        '2 findings, 1 critical',
        '',
      ].join('\n'),
    );
  });
});
