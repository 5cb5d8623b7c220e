/**
 * The runbook's "Pod not starting" and "Service not accessible" tables, read from a cluster's
 * evidence (`Evidence.cluster`, `pods`, `services`, `applications`, `events`): pure functions, each
 * finding quoting the pod, image or reason it saw and the runbook's command that fixes it. Nothing
 * here runs unless a target filled those fields.
 */
import type {
  ApplicationEvidence,
  ContainerEvidence,
  Evidence,
  PodEvidence,
  ServiceEvidence,
} from './evidence.js';
import { lastLines, type Finding } from './finding.js';

/**
 * A scheduled pod whose containers have not started after this long is reported: image pulls and
 * volume mounts take a while on a healthy cluster too.
 */
export const POD_START_GRACE_MS = 5 * 60_000;

/** Waiting reasons of a container whose image cannot be pulled. */
export const IMAGE_PULL_REASONS = new Set([
  'ImagePullBackOff',
  'ErrImagePull',
  'ErrImageNeverPull',
  'InvalidImageName',
  'RegistryUnavailable',
]);

/** Waiting reasons of a container the kubelet cannot create (a missing Secret or ConfigMap, …). */
export const CONTAINER_CONFIG_REASONS = new Set([
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
]);

/** Events quoted per object. */
const EVENT_LINES = 3;
/** Resources of an Application quoted. */
const RESOURCE_LINES = 5;

const valuesFile = (ev: Evidence): string => `env/${ev.env}/helm-values.yaml`;
/** The component a finding is filed under: the pod's release, or `other` for a foreign pod. */
const componentOf = (p: { component: string }): string => p.component || 'other';
const describePod = (p: PodEvidence): string => `kubectl describe pod ${p.name} -n ${p.namespace}`;
/** `trino.workers.resources` → `trino.workers`. */
const sectionOf = (resourcesKey: string): string => resourcesKey.replace(/\.resources$/, '');

const restarts = (c: ContainerEvidence): string =>
  `${c.restarts} ${c.restarts === 1 ? 'restart' : 'restarts'}`;

function formatAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s}s`;
  if (s < 2 * 3600) return `${Math.round(s / 60)}m`;
  if (s < 2 * 86400) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86400)}d`;
}

/** The tag of an image reference (`registry:5000/a/b:1.2@sha256:…` → `1.2`; none → `latest`). */
export function imageTag(image: string): string {
  const ref = image.split('@')[0] ?? image;
  const name = ref.slice(ref.lastIndexOf('/') + 1);
  const colon = name.indexOf(':');
  return colon === -1 ? 'latest' : name.slice(colon + 1);
}

/** Warning events about one object, newest last, as evidence lines. */
function eventLines(ev: Evidence, kind: string, name: string, skip?: string): string[] {
  return (ev.events ?? [])
    .filter((e) => e.kind === kind && e.name === name && e.message !== skip)
    .slice(-EVENT_LINES)
    .map((e) => `event ${e.reason}: ${e.message}${e.count > 1 ? ` (${e.count} times)` : ''}`);
}

/** `container x of pod p` (just `pod p` when it has one container). */
function where(p: PodEvidence, c: ContainerEvidence): string {
  const kind = c.init ? 'init container' : 'container';
  return p.containers.length > 1 ? `${kind} ${c.name} of pod ${p.name}` : `pod ${p.name}`;
}

function describeTermination(t: NonNullable<ContainerEvidence['lastTermination']>): string {
  return `${t.reason ?? 'terminated'} (exit ${t.exitCode})${t.finishedAt ? ` at ${t.finishedAt}` : ''}`;
}

function describeState(c: ContainerEvidence): string {
  const reason = c.reason ? ` ${c.reason}` : '';
  const exit = c.exitCode !== undefined ? ` (exit ${c.exitCode})` : '';
  return `${c.state}${reason}${exit}${c.message ? `: ${c.message}` : ''}`;
}

/** The log of the previous run, or why there is none. */
function logEvidence(c: ContainerEvidence): string[] {
  if (c.logTail && c.logTail.some((l) => l.trim() !== '')) return lastLines(c.logTail);
  if (c.logError) return [`log of the previous run: unavailable (${c.logError})`];
  if (c.logTail) return ['log of the previous run: empty'];
  return [];
}

/** What a pod looks like in `kubectl get pods`: phase, readiness and the first telling reason. */
function podSummary(p: PodEvidence): string {
  const telling = p.containers.find(
    (c) => (c.state === 'waiting' || c.state === 'terminated') && c.reason,
  );
  const why = p.unschedulable ? 'unschedulable' : telling?.reason;
  return `${p.phase}${p.ready ? ', ready' : ', not ready'}${why ? ` (${why})` : ''}`;
}

function isOomKilled(c: ContainerEvidence): boolean {
  const t = c.lastTermination;
  return (
    t?.reason === 'OOMKilled' ||
    t?.exitCode === 137 ||
    (c.state === 'terminated' && (c.reason === 'OOMKilled' || c.exitCode === 137))
  );
}

/** The fix that raises (or lowers) a resource of a pod in the values, or of its chart. */
function resourceFix(
  ev: Evidence,
  p: PodEvidence,
  path: `${'requests' | 'limits'}.${'cpu' | 'memory'}`,
  verb: 'raise' | 'lower',
  now: string | undefined,
): string {
  const upgrade = p.component ? `, then: lakehouse upgrade ${p.component}` : '';
  const current = ` (now ${now ?? 'unset'})`;
  if (p.resourcesKey) {
    return `${verb} ${p.resourcesKey}.${path}${current} in ${valuesFile(ev)}${upgrade}`;
  }
  // `limits.memory` → `memory limit`, of a workload whose chart takes no resources from the values.
  const [kind = '', resource = ''] = path.split('.');
  const what = `${resource} ${kind === 'limits' ? 'limit' : 'request'}`;
  return `${verb} the ${what} of ${p.owner ?? `pod ${p.name}`}${current}${upgrade}`;
}

// --- the cluster -----------------------------------------------------------------------------

function clusterStateRules(ev: Evidence): Finding[] {
  const cl = ev.cluster;
  if (!cl) return [];
  if (cl.unreachable !== undefined) {
    return [
      {
        id: 'cluster-unreachable',
        severity: 'critical',
        component: 'platform',
        title: 'the Kubernetes cluster does not answer',
        evidence: [`${cl.server} (context ${cl.context}): ${cl.unreachable}`],
        cause:
          'the API server is down or not reachable from here, or the kubeconfig names another cluster',
        fix: `kubectl cluster-info --context ${cl.context}   # then check KUBECONFIG / --kube-context`,
      },
    ];
  }
  if (!cl.namespaceExists) {
    return [
      {
        id: 'not-deployed',
        severity: 'critical',
        component: 'platform',
        title: `the platform is not deployed: namespace ${cl.namespace} does not exist`,
        evidence: [`namespace ${cl.namespace} not found on ${cl.server} (context ${cl.context})`],
        cause: `the platform was never bootstrapped on this cluster or was removed (cleanup), or global.namespace in ${valuesFile(ev)} names another namespace`,
        fix: `lakehouse bootstrap ${ev.env}`,
      },
    ];
  }
  const out: Finding[] = [];
  const pods = ev.pods ?? [];
  const apps = ev.applications ?? [];
  for (const component of cl.expectedComponents) {
    if (pods.some((p) => p.component === component)) continue;
    // An Application of the component says more (Missing, OutOfSync, a failed sync).
    if (apps.some((a) => a.component === component)) continue;
    out.push({
      id: 'component-not-deployed',
      severity: 'warning',
      component,
      title: `${component} has no pods in ${cl.namespace}`,
      evidence: [
        `the values enable ${component}, but no pod has the label app.kubernetes.io/instance=${component}`,
        ...(cl.argocd.installed ? [] : ['no ArgoCD Application deploys it']),
      ],
      cause: 'its release was never installed, or was uninstalled',
      fix: cl.argocd.installed
        ? `lakehouse sync ${component}`
        : `lakehouse deploy ${component}   # or lakehouse bootstrap ${ev.env}, which installs ArgoCD and syncs every component`,
    });
  }
  if (cl.unreadable.length > 0) {
    out.push({
      id: 'evidence-incomplete',
      severity: 'info',
      component: 'platform',
      title: 'some of the cluster could not be read: findings may be missing',
      evidence: cl.unreadable,
      cause:
        "the kubeconfig's user may not read these (RBAC), or the API server failed the request",
      fix: `kubectl auth can-i --list -n ${cl.namespace}`,
    });
  }
  return out;
}

// --- pods ------------------------------------------------------------------------------------

/** Why the scheduler refuses a pod, from its message: the runbook's Pending rows. */
interface Placement {
  kind: string;
  cause: string;
  fix: string[];
  evidence: string[];
}

function placement(ev: Evidence, p: PodEvidence, text: string): Placement {
  // "0/3 nodes are available: 1 Insufficient cpu, 2 Insufficient memory." → cpu, memory
  const wanted = [
    ...new Set([...text.matchAll(/Insufficient ([\w./-]*\w)/g)].map((m) => m[1] ?? '')),
  ];
  if (wanted.length > 0) {
    const lowers = wanted
      .filter((r): r is 'cpu' | 'memory' => r === 'cpu' || r === 'memory')
      .map((r) => {
        const now = p.containers.find((c) => !c.init && c.requests[r])?.requests[r];
        return resourceFix(ev, p, `requests.${r}`, 'lower', now);
      });
    return {
      kind: `insufficient ${wanted.join(', ')}`,
      cause: `no node has ${wanted.join(' and ')} left for what the pod requests`,
      evidence: p.containers.flatMap((c) => {
        const req = Object.entries(c.requests).map(([k, v]) => `${k} ${v}`);
        const kind = c.init ? 'init container' : 'container';
        return req.length > 0 ? [`${kind} ${c.name} requests ${req.join(', ')}`] : [];
      }),
      fix: [
        'kubectl top nodes   # what the nodes use',
        "kubectl describe nodes   # 'Allocated resources': what the pods already request",
        ...lowers,
        `or add nodes (the node count in env/${ev.env}/terraform.tfvars), then: lakehouse infra apply`,
      ],
    };
  }
  if (/PersistentVolumeClaim|persistent volume|volume node affinity/i.test(text)) {
    const claims = (ev.claims ?? []).filter((c) => p.claims.includes(c.name));
    const unbound = claims.find((c) => c.phase !== 'Bound')?.name ?? p.claims[0] ?? '<claim>';
    const key = p.resourcesKey
      ? `${sectionOf(p.resourcesKey)}.persistence.storageClass`
      : undefined;
    return {
      kind: 'its PersistentVolumeClaim is not bound',
      cause:
        'no PersistentVolume can be bound to its claim: the storage class does not exist or cannot provision, or no volume is free',
      evidence: claims.flatMap((c) => [
        `PersistentVolumeClaim ${c.name}: ${c.phase}, storage class ${c.storageClass ?? '(cluster default)'}${c.requested ? `, ${c.requested} requested` : ''}`,
        ...eventLines(ev, 'PersistentVolumeClaim', c.name),
      ]),
      fix: [
        `kubectl get pvc -n ${p.namespace}`,
        `kubectl describe pvc ${unbound} -n ${p.namespace}`,
        `kubectl get storageclass   # set global.storageClass${key ? ` (or ${key})` : ''} to one of them in ${valuesFile(ev)}${p.component ? `, then: lakehouse upgrade ${p.component}` : ''}`,
      ],
    };
  }
  if (/node affinity|node selector|didn't match|taint|untolerated|didn't tolerate/i.test(text)) {
    return {
      kind: 'no node matches its node selector, affinity or tolerations',
      cause: "the pod's placement rules exclude every node",
      evidence: [],
      fix: [
        describePod(p),
        'kubectl get nodes --show-labels   # and the Taints in: kubectl describe nodes',
      ],
    };
  }
  return {
    kind: p.unschedulable?.reason ?? 'Unschedulable',
    cause: 'the scheduler found no node for it',
    evidence: [],
    fix: [
      describePod(p),
      `kubectl get events -n ${p.namespace} --field-selector involvedObject.name=${p.name}`,
    ],
  };
}

function unschedulableFinding(ev: Evidence, p: PodEvidence): Finding {
  const u = p.unschedulable ?? { reason: 'Unschedulable', message: '' };
  const podEvents = (ev.events ?? []).filter((e) => e.kind === 'Pod' && e.name === p.name);
  const why = placement(ev, p, [u.message, ...podEvents.map((e) => e.message)].join(' '));
  return {
    id: 'pod-unschedulable',
    severity: 'critical',
    component: componentOf(p),
    process: p.name,
    title: `${p.name} cannot be scheduled (Pending): ${why.kind}`,
    evidence: [
      `pod ${p.name} is ${p.phase}, not scheduled for ${formatAge(ev.at - p.createdAt)}: PodScheduled False (${u.reason})${u.message ? `: ${u.message}` : ''}`,
      ...eventLines(ev, 'Pod', p.name, u.message),
      ...why.evidence,
    ],
    cause: why.cause,
    fix: why.fix.join('\n'),
  };
}

function oomFinding(ev: Evidence, p: PodEvidence, c: ContainerEvidence): Finding {
  const t = c.lastTermination ?? {
    reason: c.reason,
    exitCode: c.exitCode ?? 137,
  };
  const confirmed = t.reason === 'OOMKilled' || c.reason === 'OOMKilled';
  const down = c.state !== 'running';
  const section = p.resourcesKey ? sectionOf(p.resourcesKey) : undefined;
  const heap = section ? ev.settings[`${section}.heap`] : undefined;
  const evidence = [
    `${where(p, c)}: last termination ${describeTermination(t)}, ${restarts(c)}; now ${describeState(c)}`,
    `memory limit ${c.limits.memory ?? 'none'}, request ${c.requests.memory ?? 'none'}`,
    ...(heap ? [`${section}.heap: ${heap}`] : []),
    ...logEvidence(c),
  ];
  return {
    id: 'pod-oomkilled',
    severity: down ? 'critical' : 'warning',
    component: componentOf(p),
    process: p.name,
    title: `${p.name} was killed for running out of memory (OOMKilled)`,
    evidence,
    cause: confirmed
      ? `the container used more memory than its limit (${c.limits.memory ?? 'none'}), and the kernel killed it`
      : 'the container was killed with SIGKILL (exit 137): out of memory, or by the kubelet after failed liveness probes',
    fix: [
      `${resourceFix(ev, p, 'limits.memory', 'raise', c.limits.memory)}${heap ? `   # keep ${section}.heap (${heap}) well below it` : ''}`,
      describePod(p),
    ].join('\n'),
  };
}

function crashLoopFinding(ev: Evidence, p: PodEvidence, c: ContainerEvidence): Finding {
  const t = c.lastTermination;
  return {
    id: 'pod-crashloop',
    severity: 'critical',
    component: componentOf(p),
    process: p.name,
    title: `${p.name} keeps crashing (CrashLoopBackOff)`,
    evidence: [
      `${where(p, c)}: ${describeState(c)}; ${restarts(c)}`,
      ...(t
        ? [`last termination ${describeTermination(t)}${t.message ? `: ${t.message}` : ''}`]
        : []),
      ...logEvidence(c),
      ...eventLines(ev, 'Pod', p.name),
    ],
    cause: 'the container exits again and again shortly after it starts; its log says why',
    fix: [
      `kubectl logs ${p.name} -n ${p.namespace}${p.containers.length > 1 ? ` -c ${c.name}` : ''} --previous`,
      describePod(p),
      ...(p.component
        ? [`lakehouse rollback ${p.component}   # if it started with the last upgrade`]
        : []),
    ].join('\n'),
  };
}

function imagePullFinding(ev: Evidence, p: PodEvidence, c: ContainerEvidence): Finding {
  const tag = imageTag(c.image);
  const secrets = p.imagePullSecrets.length > 0 ? p.imagePullSecrets.join(', ') : 'none';
  return {
    id: 'pod-image-pull',
    severity: 'critical',
    component: componentOf(p),
    process: p.name,
    title: `${p.name} cannot pull its image ${c.image} (${c.reason ?? 'ImagePullBackOff'})`,
    evidence: [
      `${where(p, c)}: ${describeState(c)}`,
      `image ${c.image}; imagePullSecrets: ${secrets}`,
      ...eventLines(ev, 'Pod', p.name, c.message),
    ],
    cause:
      c.reason === 'InvalidImageName'
        ? 'the image reference is not valid'
        : 'the image does not exist (wrong tag or repository), or the registry refuses or cannot be reached',
    fix: [
      c.imageKey
        ? `check the image tag ${c.imageKey} (now ${tag}) and global.imagePullSecrets (now ${secrets}) in ${valuesFile(ev)}${p.component ? `, then: lakehouse upgrade ${p.component}` : ''}`
        : `check that ${c.image} exists and that its registry accepts the pod's imagePullSecrets (now ${secrets})`,
      describePod(p),
    ].join('\n'),
  };
}

function configErrorFinding(ev: Evidence, p: PodEvidence, c: ContainerEvidence): Finding {
  return {
    id: 'pod-container-config',
    severity: 'critical',
    component: componentOf(p),
    process: p.name,
    title: `${p.name} cannot create its container (${c.reason ?? 'CreateContainerConfigError'})`,
    evidence: [`${where(p, c)}: ${describeState(c)}`, ...eventLines(ev, 'Pod', p.name, c.message)],
    cause:
      'the container refers to something that does not exist or cannot be used: a Secret, ConfigMap or key, or its command',
    fix: [
      describePod(p),
      `kubectl get secrets,configmaps -n ${p.namespace}`,
      ...(p.component
        ? [`lakehouse upgrade ${p.component}   # re-creates what its chart owns`]
        : []),
    ].join('\n'),
  };
}

function notStartingFinding(ev: Evidence, p: PodEvidence): Finding {
  const waiting = p.containers
    .filter((c) => c.state !== 'running')
    .map((c) => `${c.init ? 'init container' : 'container'} ${c.name}: ${describeState(c)}`);
  return {
    id: 'pod-pending',
    severity: 'critical',
    component: componentOf(p),
    process: p.name,
    title: `${p.name} is stuck in Pending on ${p.nodeName ?? 'its node'}`,
    evidence: [
      `pod ${p.name}: ${p.phase} for ${formatAge(ev.at - p.createdAt)}, scheduled on ${p.nodeName ?? '?'}`,
      ...waiting,
      ...eventLines(ev, 'Pod', p.name),
    ],
    cause:
      'its containers do not start: a volume that does not mount, a sandbox that cannot be created, or a slow image pull',
    fix: [
      describePod(p),
      `kubectl get events -n ${p.namespace} --field-selector involvedObject.name=${p.name}`,
    ].join('\n'),
  };
}

function failedPodFinding(ev: Evidence, p: PodEvidence): Finding {
  const ended = p.containers
    .filter((c) => c.state === 'terminated')
    .map((c) => `${c.init ? 'init container' : 'container'} ${c.name}: ${describeState(c)}`);
  const crashed = p.containers.find((c) => c.state === 'terminated' && c.exitCode !== 0);
  return {
    id: 'pod-failed',
    severity: 'warning',
    component: componentOf(p),
    process: p.name,
    title: `${p.name} failed${p.reason ? ` (${p.reason})` : ''}`,
    evidence: [
      `pod ${p.name}${p.owner ? ` of ${p.owner}` : ''}: Failed${p.message ? `: ${p.message}` : ''}`,
      ...ended,
      ...(crashed ? logEvidence(crashed) : []),
    ],
    cause:
      p.reason === 'Evicted'
        ? 'the node ran short of a resource and evicted it'
        : 'a container of it ended with an error and it is not restarted',
    fix: [
      `kubectl logs ${p.name} -n ${p.namespace}${crashed && p.containers.length > 1 ? ` -c ${crashed.name}` : ''}`,
      describePod(p),
    ].join('\n'),
  };
}

function podRules(ev: Evidence): Finding[] {
  const out: Finding[] = [];
  for (const p of ev.pods ?? []) {
    if (p.deleting) continue;
    if (p.unschedulable) {
      out.push(unschedulableFinding(ev, p));
      continue;
    }
    let reported = false;
    for (const c of p.containers) {
      let f: Finding | undefined;
      if (isOomKilled(c)) f = oomFinding(ev, p, c);
      else if (c.state === 'waiting' && c.reason === 'CrashLoopBackOff') {
        f = crashLoopFinding(ev, p, c);
      } else if (c.state === 'waiting' && c.reason && IMAGE_PULL_REASONS.has(c.reason)) {
        f = imagePullFinding(ev, p, c);
      } else if (c.state === 'waiting' && c.reason && CONTAINER_CONFIG_REASONS.has(c.reason)) {
        f = configErrorFinding(ev, p, c);
      }
      if (f) {
        out.push(f);
        reported = true;
      }
    }
    if (reported) continue;
    if (p.phase === 'Pending' && ev.at - p.createdAt > POD_START_GRACE_MS) {
      out.push(notStartingFinding(ev, p));
    } else if (p.phase === 'Failed') {
      out.push(failedPodFinding(ev, p));
    }
  }
  return out;
}

// --- services --------------------------------------------------------------------------------

function serviceFinding(ev: Evidence, s: ServiceEvidence, namespace: string): Finding {
  const pods = ev.pods ?? [];
  const matching = s.matchingPods.map((name) => {
    const p = pods.find((x) => x.name === name);
    return `pod ${name}: ${p ? podSummary(p) : '?'}`;
  });
  return {
    id: 'service-no-endpoints',
    severity: 'critical',
    component: componentOf(s),
    title: `Service ${s.name} has no ready endpoints (service not accessible)`,
    evidence: [
      `Service ${s.name} (${s.type}, ${s.ports.join(', ') || 'no ports'}) selects ${s.selector ?? '?'}: ${s.readyEndpoints} ready endpoints, ${s.notReadyEndpoints} not ready`,
      ...(matching.length > 0 ? matching.slice(0, 5) : ['no pod matches its selector']),
    ],
    cause:
      matching.length > 0
        ? "none of the pods it selects is ready: connections to it fail (the pods' own findings say why)"
        : 'its selector matches no pod: the workload is not running or scaled to zero, or its labels differ from the selector',
    fix: [
      `kubectl get endpoints ${s.name} -n ${namespace}`,
      `kubectl get pods -n ${namespace} -l ${s.selector ?? '<selector>'}`,
      ...(matching.length === 0 && s.component
        ? [`lakehouse upgrade ${s.component}   # re-applies its workloads and Service`]
        : []),
    ].join('\n'),
  };
}

function serviceRules(ev: Evidence): Finding[] {
  const namespace = ev.cluster?.namespace ?? '<namespace>';
  return (ev.services ?? [])
    .filter((s) => s.selector !== undefined && s.type !== 'ExternalName' && s.readyEndpoints === 0)
    .map((s) => serviceFinding(ev, s, namespace));
}

// --- ArgoCD Applications ---------------------------------------------------------------------

function resourceLines(
  a: ApplicationEvidence,
  bad: (r: ApplicationEvidence['resources'][number]) => boolean,
): string[] {
  return a.resources
    .filter(bad)
    .slice(0, RESOURCE_LINES)
    .map(
      (r) =>
        `${r.kind}/${r.name}: ${[r.sync, r.health].filter(Boolean).join(', ')}${r.message ? `: ${r.message}` : ''}`,
    );
}

function applicationRules(ev: Evidence): Finding[] {
  const out: Finding[] = [];
  const namespace = ev.cluster?.namespace ?? '<namespace>';
  for (const a of ev.applications ?? []) {
    const head = `Application ${a.name} (namespace ${a.namespace}): ${a.sync}, health ${a.health}${a.healthMessage ? ` (${a.healthMessage})` : ''}${a.revision ? `, revision ${a.revision.slice(0, 12)}` : ''}`;
    const op = a.operation;
    const opFailed = op !== undefined && (op.phase === 'Failed' || op.phase === 'Error');
    const opLine = op
      ? [
          `last sync ${op.phase}${op.finishedAt ? ` at ${op.finishedAt}` : ''}${op.message ? `: ${op.message}` : ''}`,
        ]
      : [];
    const conditions = a.conditions.map((c) => `condition ${c.type}: ${c.message}`);
    if (a.health === 'Degraded') {
      const degraded = a.resources.find((r) => r.health === 'Degraded');
      out.push({
        id: 'application-degraded',
        severity: 'critical',
        component: a.component,
        title: `ArgoCD Application ${a.name} is Degraded`,
        evidence: [head, ...resourceLines(a, (r) => r.health === 'Degraded'), ...opLine],
        cause:
          'what it deployed does not become healthy: pods that crash, cannot pull or cannot be scheduled (their findings say which)',
        fix: [
          ...(degraded
            ? [
                `kubectl describe ${degraded.kind.toLowerCase()} ${degraded.name} -n ${degraded.namespace ?? namespace}`,
              ]
            : []),
          `lakehouse rollback ${a.component}   # if the last change brought it`,
        ].join('\n'),
      });
    }
    if (a.sync === 'OutOfSync') {
      out.push({
        id: 'application-out-of-sync',
        severity: opFailed ? 'critical' : a.automated ? 'warning' : 'info',
        component: a.component,
        title: `ArgoCD Application ${a.name} is OutOfSync${a.automated ? '' : ' (automated sync is off)'}`,
        evidence: [
          head,
          `automated sync: ${a.automated ? 'on' : 'off'}`,
          ...resourceLines(a, (r) => r.sync === 'OutOfSync' || r.health === 'Missing'),
          ...opLine,
          ...conditions,
        ],
        cause: opFailed
          ? 'its last sync failed, so the cluster differs from git: the message above says why'
          : a.automated
            ? 'the cluster differs from git: a commit not synced yet, or a change made by hand that ArgoCD has not reverted'
            : 'automated sync is switched off (an emergency rollback, or by hand), so ArgoCD leaves the difference from git alone',
        fix: a.automated
          ? `lakehouse sync ${a.component}`
          : `lakehouse resume ${a.component}   # switches automated sync back on, once the emergency is over\nor sync once: lakehouse sync ${a.component}`,
      });
    } else if (a.conditions.some((c) => /Error$/.test(c.type))) {
      out.push({
        id: 'application-error',
        severity: 'warning',
        component: a.component,
        title: `ArgoCD Application ${a.name} reports an error`,
        evidence: [head, ...conditions, ...opLine],
        cause: 'ArgoCD cannot compare or sync it: the repository, the chart or its values',
        fix: `kubectl describe application ${a.name} -n ${a.namespace}\nlakehouse sync ${a.component}`,
      });
    }
  }
  return out;
}

/** Every finding a cluster's evidence supports (none for evidence without a cluster). */
export function clusterRules(ev: Evidence): Finding[] {
  if (!ev.cluster) return [];
  const state = clusterStateRules(ev);
  if (ev.cluster.unreachable !== undefined || !ev.cluster.namespaceExists) return state;
  return [...state, ...podRules(ev), ...serviceRules(ev), ...applicationRules(ev)];
}
