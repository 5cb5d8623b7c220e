// What the rendered charts must say, per environment: the runbook's names, ports and health
// endpoints, the env file's sizes, production security defaults, and no secret outside a Secret.
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { LakehouseValues } from '../../../src/platform/config/index.js';
import {
  CHARTS,
  chartTools,
  ENVS,
  envValues,
  helmTemplate,
  NAMESPACE,
  parseManifests,
  type Chart,
  type Env,
  type Manifest,
} from './support.js';

const tools = chartTools();

// --- the shapes the tests read --------------------------------------------------------------

interface Probe {
  httpGet?: { path?: string; port?: number | string };
  exec?: { command?: string[] };
}
interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  readOnlyRootFilesystem?: boolean;
  allowPrivilegeEscalation?: boolean;
  capabilities?: { drop?: string[]; add?: string[] };
  privileged?: boolean;
}
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: unknown;
}
interface Container {
  name: string;
  image: string;
  args?: string[];
  command?: string[];
  env?: EnvVar[];
  resources?: unknown;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  securityContext?: SecurityContext;
}
interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  securityContext?: SecurityContext;
  topologySpreadConstraints?: { topologyKey: string; whenUnsatisfiable: string }[];
  volumes?: { name: string; configMap?: { name: string }; secret?: { secretName: string } }[];
}
interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: PodSpec;
}
type LabelSelector = {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
};
interface PeerRule {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
}

/** The rendered charts of one environment, every object tagged with its chart. */
interface Rendered {
  env: Env;
  values: LakehouseValues;
  objects: (Manifest & { chart: Chart })[];
}

const rendered = new Map<Env, Rendered>();

beforeAll(async () => {
  await Promise.all(
    ENVS.map(async (env) => {
      const values = await envValues(env);
      const objects: Rendered['objects'] = [];
      for (const chart of CHARTS) {
        const text = await helmTemplate(tools.helm, chart, env);
        for (const o of parseManifests(text)) objects.push({ ...o, chart });
      }
      rendered.set(env, { env, values, objects });
    }),
  );
});

function of(env: Env): Rendered {
  const r = rendered.get(env);
  if (!r) throw new Error(`env ${env} was not rendered`);
  return r;
}

function find(env: Env, kind: string, name: string): Manifest & { chart: Chart } {
  const found = of(env).objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) {
    const names = of(env)
      .objects.filter((o) => o.kind === kind)
      .map((o) => o.metadata.name);
    throw new Error(`no ${kind} ${name} in env ${env} (there are: ${names.join(', ') || 'none'})`);
  }
  return found;
}

/** The pod template (or the Pod's own spec) of anything that runs containers. */
function podTemplate(o: Manifest): PodTemplate | undefined {
  const spec = o['spec'] as Record<string, unknown> | undefined;
  if (!spec) return undefined;
  if (o.kind === 'Pod') return { metadata: o.metadata, spec: spec as unknown as PodSpec };
  if (o.kind === 'CronJob') {
    const job = spec['jobTemplate'] as { spec: { template: PodTemplate } };
    return job.spec.template;
  }
  if (['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'ReplicaSet'].includes(o.kind)) {
    return spec['template'] as PodTemplate;
  }
  return undefined;
}

function allContainers(spec: PodSpec): Container[] {
  return [...(spec.initContainers ?? []), ...spec.containers];
}

/** The workload's main container: the first one (side-cars such as git-sync come after it). */
function mainContainer(o: Manifest): Container {
  const c = podTemplate(o)?.spec.containers[0];
  if (!c) throw new Error(`${o.kind}/${o.metadata.name} has no container`);
  return c;
}

function selects(
  selector: LabelSelector | undefined,
  labels: Record<string, string> = {},
): boolean {
  if (!selector) return false;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {}))
    if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = e.key in labels;
    const value = labels[e.key];
    if (e.operator === 'In' && !(has && e.values?.includes(value as string))) return false;
    if (e.operator === 'NotIn' && has && e.values?.includes(value as string)) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

/** The `app` values a peer rule admits (matchLabels or an `app In [...]` expression). */
function admittedApps(peer: PeerRule): string[] {
  const sel = peer.podSelector;
  if (!sel) return [];
  const apps: string[] = [];
  if (sel.matchLabels?.['app']) apps.push(sel.matchLabels['app']);
  for (const e of sel.matchExpressions ?? []) {
    if (e.key === 'app' && e.operator === 'In') apps.push(...(e.values ?? []));
  }
  return apps;
}

function probeTarget(probe: Probe | undefined): string {
  if (!probe) return '';
  if (probe.httpGet) return probe.httpGet.path ?? '/';
  return (probe.exec?.command ?? []).join(' ');
}

const WORKLOADS = ['Deployment', 'StatefulSet', 'DaemonSet'];

// --- the runbook's names ----------------------------------------------------------------------

/** The workloads the runbook names, their kind, and the `app` label its kubectl -l uses. */
const RUNBOOK_WORKLOADS: { kind: string; name: string; app: string }[] = [
  { kind: 'StatefulSet', name: 'minio', app: 'minio' },
  { kind: 'Deployment', name: 'iceberg-catalog', app: 'iceberg-catalog' },
  { kind: 'StatefulSet', name: 'postgresql', app: 'postgresql' },
  { kind: 'Deployment', name: 'trino-coordinator', app: 'trino' },
  { kind: 'Deployment', name: 'trino-worker', app: 'trino' },
  { kind: 'Deployment', name: 'airflow-webserver', app: 'airflow' },
  { kind: 'Deployment', name: 'airflow-scheduler', app: 'airflow' },
  { kind: 'Deployment', name: 'airflow-dag-processor', app: 'airflow' },
  { kind: 'Deployment', name: 'airflow-triggerer', app: 'airflow' },
  { kind: 'StatefulSet', name: 'prometheus', app: 'prometheus' },
  { kind: 'StatefulSet', name: 'alertmanager', app: 'alertmanager' },
  { kind: 'Deployment', name: 'grafana', app: 'grafana' },
  { kind: 'DaemonSet', name: 'node-exporter', app: 'node-exporter' },
];

/** The Services the runbook and the other charts reach, with their ports. */
const RUNBOOK_SERVICES: { name: string; ports: number[]; selects: string }[] = [
  { name: 'minio', ports: [9000, 9001], selects: 'minio' },
  { name: 'iceberg-catalog', ports: [8181], selects: 'iceberg-catalog' },
  { name: 'postgresql', ports: [5432], selects: 'postgresql' },
  { name: 'trino', ports: [8080], selects: 'trino-coordinator' },
  { name: 'airflow-webserver', ports: [8080], selects: 'airflow-webserver' },
  { name: 'prometheus-operated', ports: [9090], selects: 'prometheus' },
  { name: 'alertmanager', ports: [9093], selects: 'alertmanager' },
  { name: 'grafana', ports: [3000], selects: 'grafana' },
];

/** Liveness and readiness targets: the runbook's health endpoints. */
const PROBES: { workload: string; liveness?: string; readiness: string }[] = [
  { workload: 'minio', liveness: '/minio/health/live', readiness: '/minio/health/ready' },
  { workload: 'iceberg-catalog', liveness: '/healthz', readiness: '/v1/config' },
  { workload: 'trino-coordinator', readiness: '/v1/info' },
  { workload: 'trino-worker', readiness: '/v1/info' },
  { workload: 'prometheus', liveness: '/-/healthy', readiness: '/-/ready' },
  { workload: 'alertmanager', readiness: '/-/ready' },
  { workload: 'grafana', readiness: '/api/health' },
  { workload: 'airflow-webserver', readiness: '/api/v2/monitor/health' },
];

describe.each(ENVS)('env %s', (env) => {
  it('has the workloads the runbook names, labelled app=<component>', () => {
    for (const w of RUNBOOK_WORKLOADS) {
      const o = find(env, w.kind, w.name);
      expect(o.metadata.namespace, `${w.kind}/${w.name}`).toBe(NAMESPACE);
      expect(podTemplate(o)?.metadata?.labels?.['app'], `${w.kind}/${w.name} pods`).toBe(w.app);
    }
  });

  it('has the Services the runbook names, on its ports, selecting the right pods', () => {
    for (const s of RUNBOOK_SERVICES) {
      const svc = find(env, 'Service', s.name);
      const spec = svc['spec'] as { ports: { port: number }[]; selector: Record<string, string> };
      expect(
        spec.ports.map((p) => p.port),
        `Service ${s.name}`,
      ).toEqual(expect.arrayContaining(s.ports));
      const target = RUNBOOK_WORKLOADS.find((w) => w.name === s.selects);
      const labels = podTemplate(find(env, target?.kind ?? '', s.selects))?.metadata?.labels;
      expect(selects({ matchLabels: spec.selector }, labels), `Service ${s.name}`).toBe(true);
    }
  });

  it('every Service selects pods of its own chart, and every pod template carries app', () => {
    const { objects } = of(env);
    for (const o of objects) {
      const tpl = podTemplate(o);
      if (tpl) expect(tpl.metadata?.labels?.['app'], `${o.kind}/${o.metadata.name}`).toBeTruthy();
      if (o.kind !== 'Service') continue;
      const selector = (o['spec'] as { selector?: Record<string, string> }).selector;
      if (!selector) continue;
      const matched = objects.filter(
        (p) =>
          p.chart === o.chart &&
          WORKLOADS.includes(p.kind) &&
          selects({ matchLabels: selector }, podTemplate(p)?.metadata?.labels),
      );
      expect(matched.length, `Service ${o.metadata.name} selects no workload`).toBeGreaterThan(0);
    }
  });

  it('labels every object with the shared labels, in the release namespace', () => {
    for (const o of of(env).objects) {
      const labels = o.metadata.labels ?? {};
      const what = `${o.chart}: ${o.kind}/${o.metadata.name}`;
      expect(labels['app.kubernetes.io/part-of'], what).toBe('lakehouse');
      expect(labels['app.kubernetes.io/instance'], what).toBe(o.chart);
      expect(labels['app.kubernetes.io/managed-by'], what).toBe('Helm');
      expect(labels['helm.sh/chart'], what).toMatch(new RegExp(`^${o.chart}-\\d`));
      // ArgoCD's own objects live in its namespace; everything else in the runbook's.
      if (o.chart !== 'argocd') expect(o.metadata.namespace, what).toBe(NAMESPACE);
    }
  });

  it('sizes every workload from the env file: replicas and resources', () => {
    const v = of(env).values;
    const replicas = (name: string): unknown =>
      (find(env, 'Deployment', name)['spec'] as { replicas?: number }).replicas;
    expect(replicas('trino-worker')).toBe(v.trino.workers.count);
    expect(replicas('iceberg-catalog')).toBe(v.icebergCatalog.replicas);
    expect(replicas('trino-coordinator')).toBe(1);

    const sized: [string, string, unknown][] = [
      ['StatefulSet', 'minio', v.minio.resources],
      ['Deployment', 'iceberg-catalog', v.icebergCatalog.resources],
      ['StatefulSet', 'postgresql', v.postgresql.resources],
      ['Deployment', 'trino-coordinator', v.trino.coordinator.resources],
      ['Deployment', 'trino-worker', v.trino.workers.resources],
      ['Deployment', 'airflow-webserver', v.airflow.resources],
      ['Deployment', 'airflow-scheduler', v.airflow.resources],
      ['StatefulSet', 'prometheus', v.observability.prometheus.resources],
      ['StatefulSet', 'alertmanager', v.observability.alertmanager.resources],
      ['Deployment', 'grafana', v.observability.grafana.resources],
    ];
    for (const [kind, name, resources] of sized) {
      expect(mainContainer(find(env, kind, name)).resources ?? {}, `${kind}/${name}`).toEqual(
        resources,
      );
    }
  });

  it('sizes the volumes from the env file', () => {
    const v = of(env).values;
    const claims: [string, { size: string; storageClass?: string | undefined }][] = [
      ['minio', v.minio.persistence],
      ['postgresql', v.postgresql.persistence],
      ['prometheus', v.observability.prometheus.persistence],
    ];
    for (const [name, persistence] of claims) {
      const sts = find(env, 'StatefulSet', name)['spec'] as {
        volumeClaimTemplates: {
          spec: { resources: { requests: { storage: string } }; storageClassName?: string };
        }[];
      };
      const claim = sts.volumeClaimTemplates[0]?.spec;
      expect(claim?.resources.requests.storage, name).toBe(persistence.size);
      const storageClass = persistence.storageClass ?? v.global.storageClass;
      if (storageClass) expect(claim?.storageClassName, name).toBe(storageClass);
    }
  });

  it("probes the runbook's health endpoints", () => {
    for (const p of PROBES) {
      const w = RUNBOOK_WORKLOADS.find((x) => x.name === p.workload);
      const c = mainContainer(find(env, w?.kind ?? '', p.workload));
      expect(probeTarget(c.readinessProbe), `${p.workload} readiness`).toContain(p.readiness);
      expect(c.livenessProbe, `${p.workload} liveness`).toBeDefined();
      if (p.liveness) {
        expect(probeTarget(c.livenessProbe), `${p.workload} liveness`).toContain(p.liveness);
      }
    }
  });

  it('runs every container non-root, read-only, without privilege or capabilities', () => {
    const problems: string[] = [];
    for (const o of of(env).objects) {
      const tpl = podTemplate(o);
      if (!tpl) continue;
      const pod = tpl.spec.securityContext ?? {};
      for (const c of allContainers(tpl.spec)) {
        const sc = c.securityContext ?? {};
        const where = `${o.chart}: ${o.kind}/${o.metadata.name} container ${c.name}`;
        if ((sc.runAsNonRoot ?? pod.runAsNonRoot) !== true) problems.push(`${where}: runAsNonRoot`);
        if ((sc.runAsUser ?? pod.runAsUser) === 0) problems.push(`${where}: runAsUser 0`);
        if (sc.readOnlyRootFilesystem !== true) problems.push(`${where}: readOnlyRootFilesystem`);
        if (sc.allowPrivilegeEscalation !== false) {
          problems.push(`${where}: allowPrivilegeEscalation`);
        }
        if (!sc.capabilities?.drop?.includes('ALL')) problems.push(`${where}: capabilities.drop`);
        if (sc.privileged) problems.push(`${where}: privileged`);
      }
      if (
        (pod as { seccompProfile?: { type?: string } }).seccompProfile?.type !== 'RuntimeDefault'
      ) {
        problems.push(`${o.chart}: ${o.kind}/${o.metadata.name}: pod seccompProfile`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('pulls images without a registry host, each pinned to a tag or digest', () => {
    for (const o of of(env).objects) {
      const tpl = podTemplate(o);
      if (!tpl) continue;
      for (const c of allContainers(tpl.spec)) {
        const first = c.image.split('/')[0] ?? '';
        const where = `${o.kind}/${o.metadata.name} ${c.name}: ${c.image}`;
        // A registry host is the first path segment when it has a dot or a port.
        if (c.image.includes('/')) expect(first, where).not.toMatch(/[.:]/);
        expect(c.image, where).toMatch(/(:[\w][\w.-]*|@sha256:[a-f0-9]{64})$/);
      }
    }
  });

  it('gives every chart a helm test hook: a Pod that runs once', () => {
    for (const chart of CHARTS) {
      const hooks = of(env).objects.filter(
        (o) =>
          o.chart === chart &&
          o.kind === 'Pod' &&
          (o.metadata.annotations?.['helm.sh/hook'] ?? '').split(',').includes('test'),
      );
      expect(hooks.length, `${chart} has no helm test hook`).toBeGreaterThan(0);
      for (const h of hooks) {
        expect((h['spec'] as { restartPolicy?: string }).restartPolicy).toBe('Never');
      }
    }
  });

  it('spreads the pods of every Deployment and StatefulSet across nodes', () => {
    for (const o of of(env).objects) {
      if (o.kind !== 'Deployment' && o.kind !== 'StatefulSet') continue;
      const spread = podTemplate(o)?.spec.topologySpreadConstraints ?? [];
      expect(
        spread.some((t) => t.topologyKey === 'kubernetes.io/hostname'),
        `${o.kind}/${o.metadata.name}`,
      ).toBe(true);
    }
  });

  it('gives every Deployment and StatefulSet a PodDisruptionBudget', () => {
    const { objects } = of(env);
    const pdbs = objects.filter((o) => o.kind === 'PodDisruptionBudget');
    for (const o of objects) {
      if (o.kind !== 'Deployment' && o.kind !== 'StatefulSet') continue;
      const labels = podTemplate(o)?.metadata?.labels;
      const covered = pdbs.some((p) =>
        selects((p['spec'] as { selector?: LabelSelector }).selector, labels),
      );
      expect(covered, `${o.kind}/${o.metadata.name} has no PodDisruptionBudget`).toBe(true);
    }
  });

  it('rolls the pods when their configuration changes (checksum annotations)', () => {
    const { objects } = of(env);
    for (const o of objects) {
      if (!WORKLOADS.includes(o.kind)) continue;
      const tpl = podTemplate(o);
      const ownConfigMaps = (tpl?.spec.volumes ?? [])
        .map((vol) => vol.configMap?.name)
        .filter((name): name is string =>
          objects.some(
            (c) => c.kind === 'ConfigMap' && c.chart === o.chart && c.metadata.name === name,
          ),
        );
      if (ownConfigMaps.length === 0) continue;
      const annotations = Object.keys(tpl?.metadata?.annotations ?? {});
      expect(
        annotations.some((a) => a.startsWith('checksum/')),
        `${o.kind}/${o.metadata.name} mounts ${ownConfigMaps.join(', ')} without a checksum/ annotation`,
      ).toBe(true);
    }
  });

  it("points Trino's iceberg catalog at the catalog Service, sized from the env file", () => {
    const v = of(env).values;
    const trinoConfig = of(env)
      .objects.filter((o) => o.chart === 'trino' && o.kind === 'ConfigMap')
      .map((o) => o['data'] as Record<string, string>);
    const iceberg = trinoConfig.find((d) => 'iceberg.properties' in d)?.['iceberg.properties'];
    expect(iceberg).toBeDefined();
    expect(iceberg).toMatch(/^connector\.name=iceberg$/m);
    expect(iceberg).toMatch(/^iceberg\.catalog\.type=rest$/m);
    expect(iceberg).toMatch(
      /^iceberg\.rest-catalog\.uri=http:\/\/iceberg-catalog(\.lakehouse-platform(\.svc(\.cluster\.local)?)?)?:8181\/?$/m,
    );
    const all = trinoConfig.flatMap((d) => Object.values(d)).join('\n');
    expect(all).toMatch(new RegExp(`^query\\.max-memory=${v.trino.queryMaxMemory}$`, 'm'));
    expect(all).toContain(`-Xmx${v.trino.coordinator.heap}`);
    expect(all).toContain(`-Xmx${v.trino.workers.heap}`);
  });

  it('keeps secret material in Secrets only, generated once and kept', () => {
    const { objects } = of(env);
    const secrets = objects.filter((o) => o.kind === 'Secret');
    expect(secrets.map((s) => s.metadata.name)).toEqual(
      expect.arrayContaining(['minio-credentials', 'postgresql-credentials']),
    );
    const secretValues: string[] = [];
    for (const s of secrets) {
      expect(s.metadata.annotations?.['helm.sh/resource-policy'], `Secret ${s.metadata.name}`).toBe(
        'keep',
      );
      const data = (s['data'] ?? {}) as Record<string, string>;
      const stringData = (s['stringData'] ?? {}) as Record<string, string>;
      for (const b64 of Object.values(data)) {
        secretValues.push(b64, Buffer.from(b64, 'base64').toString('utf8'));
      }
      secretValues.push(...Object.values(stringData));
    }
    // Generated values are long and random: none may appear in any other object.
    const needles = secretValues.filter((s) => s.length >= 12);
    for (const o of objects) {
      if (o.kind === 'Secret') continue;
      const text = JSON.stringify(o);
      for (const n of needles) {
        expect(text.includes(n), `${o.kind}/${o.metadata.name} holds a Secret's value`).toBe(false);
      }
    }
    for (const o of objects) {
      if (o.kind === 'ConfigMap') {
        for (const [key, value] of Object.entries((o['data'] ?? {}) as Record<string, string>)) {
          // A password or key written in the file itself, not a reference to the environment.
          expect(value, `ConfigMap ${o.metadata.name} ${key}`).not.toMatch(
            /(password|secret[-_.]?key|secret_access_key|token)\s*[=:]\s*(?![$"'{]|ENV|\s*$)\S+/i,
          );
        }
      }
      const tpl = podTemplate(o);
      for (const c of tpl ? allContainers(tpl.spec) : []) {
        for (const e of c.env ?? []) {
          if (
            /PASSWORD|SECRET|TOKEN|FERNET|ACCESS_KEY/i.test(e.name) &&
            !/_FILE$|_CMD$/.test(e.name)
          ) {
            expect(
              e.valueFrom,
              `${o.kind}/${o.metadata.name} ${c.name} env ${e.name}`,
            ).toBeDefined();
          }
        }
      }
    }
  });

  it('has NetworkPolicies that admit only the components that need each port', () => {
    const { objects } = of(env);
    const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
    const admitted = (workload: string, kind: string): string[] => {
      const labels = podTemplate(find(env, kind, workload))?.metadata?.labels;
      return policies
        .filter((p) => selects((p['spec'] as { podSelector: LabelSelector }).podSelector, labels))
        .flatMap((p) => (p['spec'] as { ingress?: { from?: PeerRule[] }[] }).ingress ?? [])
        .flatMap((rule) => (rule.from ?? []).flatMap(admittedApps));
    };
    // Every pod of the platform sits behind a policy.
    for (const o of objects) {
      if (!WORKLOADS.includes(o.kind)) continue;
      const labels = podTemplate(o)?.metadata?.labels;
      const covered = policies.some((p) =>
        selects((p['spec'] as { podSelector: LabelSelector }).podSelector, labels),
      );
      expect(covered, `${o.kind}/${o.metadata.name} has no NetworkPolicy`).toBe(true);
    }
    expect(admitted('iceberg-catalog', 'Deployment')).toEqual(
      expect.arrayContaining(['trino', 'airflow', 'prometheus']),
    );
    expect(admitted('minio', 'StatefulSet')).toEqual(
      expect.arrayContaining(['iceberg-catalog', 'trino', 'airflow', 'prometheus']),
    );
    expect(admitted('postgresql', 'StatefulSet')).toEqual(
      expect.arrayContaining(['iceberg-catalog', 'airflow']),
    );
    expect(admitted('iceberg-catalog', 'Deployment')).not.toContain('minio');
  });
});

describe('switches of the env file', () => {
  it('global.networkPolicy.enabled=false renders no NetworkPolicy', async () => {
    for (const chart of CHARTS) {
      const text = await helmTemplate(tools.helm, chart, 'dev', [
        '--set',
        'global.networkPolicy.enabled=false',
      ]);
      const kinds = parseManifests(text).map((o) => o.kind);
      expect(kinds, chart).not.toContain('NetworkPolicy');
    }
  });

  it('global.imageRegistry prefixes every image, test hooks included', async () => {
    for (const chart of CHARTS) {
      const text = await helmTemplate(tools.helm, chart, 'dev', [
        '--set',
        'global.imageRegistry=mirror.example.com:5000',
      ]);
      for (const o of parseManifests(text)) {
        const tpl = podTemplate(o);
        for (const c of tpl ? allContainers(tpl.spec) : []) {
          expect(c.image, `${chart}: ${o.kind}/${o.metadata.name}`).toMatch(
            /^mirror\.example\.com:5000\//,
          );
        }
      }
    }
  });

  it('an image digest pins the image', async () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const text = await helmTemplate(tools.helm, 'trino', 'dev', [
      '--set',
      `trino.image.digest=${digest}`,
    ]);
    const worker = parseManifests(text).find(
      (o) => o.kind === 'Deployment' && o.metadata.name === 'trino-worker',
    );
    expect(worker && mainContainer(worker).image).toBe(`trinodb/trino:476@${digest}`);
  });

  it('the environment files hold no password: database URLs name a user only', async () => {
    for (const env of ENVS) {
      // Keys and values only: the comments may well say where the passwords are.
      const text = JSON.stringify(parseYaml(await readFile(`env/${env}/helm-values.yaml`, 'utf8')));
      expect(text, env).not.toMatch(/password|secret[-_]?key|token/i);
      expect(text, env).not.toMatch(/postgres(ql)?:\/\/[^@\s/]*:[^@\s/]*@/);
    }
  });
});
