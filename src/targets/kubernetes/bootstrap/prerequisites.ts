import type { ClusterConnection } from '../cluster/index.js';
import { errorText, execTool, reachable } from '../cluster/index.js';
import { atLeast, MINIMUM, parseVersion } from '../tools/index.js';

/** One line of `✓ Prerequisites checked`: a tool, the cluster or a permission. */
export interface Prerequisite {
  name: string;
  ok: boolean;
  detail: string;
  /** How to fix it, when not ok. */
  fix?: string;
}

/** A tool's version against the runbook's minimum. Pure, for the version text a tool printed. */
export function judgeVersion(
  name: string,
  output: string | undefined,
  need: readonly [number, number],
  fix: string,
): Prerequisite {
  const want = `${need[0]}.${need[1]}+`;
  if (output === undefined) return { name, ok: false, detail: `not found (${want} needed)`, fix };
  const v = parseVersion(output);
  if (!v)
    return {
      name,
      ok: false,
      detail: `cannot read its version from "${output.trim().slice(0, 80)}"`,
      fix,
    };
  return atLeast(v, [need[0], need[1]])
    ? { name, ok: true, detail: `${v[0]}.${v[1]} (${want})` }
    : { name, ok: false, detail: `${v[0]}.${v[1]} is older than ${want}`, fix };
}

async function versionOutput(binary: string, args: string[]): Promise<string | undefined> {
  try {
    const r = await execTool(binary, args, { timeoutMs: 15_000 });
    return r.code === 0 ? r.stdout + r.stderr : undefined;
  } catch {
    return undefined;
  }
}

/** What bootstrap does in the cluster, as access reviews: each must be allowed. */
export const BOOTSTRAP_PERMISSIONS: ReadonlyArray<{
  verb: string;
  group: string;
  resource: string;
  namespace?: string;
  why: string;
}> = [
  {
    verb: 'create',
    group: '',
    resource: 'namespaces',
    why: 'create the argocd and platform namespaces',
  },
  {
    verb: 'create',
    group: 'apiextensions.k8s.io',
    resource: 'customresourcedefinitions',
    why: "install Argo CD's CRDs",
  },
  {
    verb: 'create',
    group: 'rbac.authorization.k8s.io',
    resource: 'clusterroles',
    why: "install Argo CD's cluster roles",
  },
  {
    verb: 'create',
    group: 'apps',
    resource: 'deployments',
    namespace: 'argocd',
    why: "run Argo CD's workloads",
  },
  {
    verb: 'create',
    group: 'argoproj.io',
    resource: 'applications',
    namespace: 'argocd',
    why: 'create the Applications',
  },
];

export interface PrerequisiteTools {
  kubectl: string;
  helm: string;
  /** tofu or terraform; undefined when the environment provisions no infrastructure. */
  infra?: string;
}

/** The runbook's prerequisites, each checked: tools, the cluster, and RBAC for what bootstrap does. */
export async function checkPrerequisites(
  c: ClusterConnection,
  tools: PrerequisiteTools,
): Promise<Prerequisite[]> {
  const out: Prerequisite[] = [];
  out.push(
    judgeVersion(
      'kubectl',
      await versionOutput(tools.kubectl, ['version', '--client']),
      MINIMUM.kubectl,
      'install kubectl 1.28+ (lakehouse builds one into its cache when none is on PATH)',
    ),
  );
  out.push(
    judgeVersion(
      'helm',
      await versionOutput(tools.helm, ['version', '--short']),
      MINIMUM.helm,
      'install helm 3.12+ (lakehouse builds one into its cache when none is on PATH)',
    ),
  );
  out.push(
    judgeVersion(
      'git',
      await versionOutput('git', ['--version']),
      MINIMUM.git,
      'install git 2.30+',
    ),
  );
  if (tools.infra !== undefined) {
    out.push(
      judgeVersion(
        'tofu',
        await versionOutput(tools.infra, ['version']),
        MINIMUM.tofu,
        'install OpenTofu or Terraform 1.5+ (`lakehouse infra plan` builds OpenTofu into the cache)',
      ),
    );
  }
  // Argo CD is driven through the API server (Application objects), so its CLI is not needed.
  const api = await reachable(c);
  if (!api.ok) {
    out.push({
      name: 'cluster',
      ok: false,
      detail: `${c.server} (context ${c.context}) does not answer: ${api.reason}`,
      fix: 'check KUBECONFIG / --kube-context and that the cluster is up (`kubectl cluster-info`)',
    });
    return out;
  }
  out.push({ name: 'cluster', ok: true, detail: `${c.server} answers, Kubernetes ${api.version}` });
  const denied: string[] = [];
  for (const p of BOOTSTRAP_PERMISSIONS) {
    try {
      const review = await c.authorization.createSelfSubjectAccessReview({
        body: {
          spec: {
            resourceAttributes: {
              verb: p.verb,
              group: p.group,
              resource: p.resource,
              ...(p.namespace ? { namespace: p.namespace } : {}),
            },
          },
        },
      });
      if (!review.status?.allowed) {
        denied.push(
          `${p.verb} ${p.resource}${p.group ? `.${p.group}` : ''}${p.namespace ? ` in ${p.namespace}` : ''} (to ${p.why})`,
        );
      }
    } catch (err) {
      denied.push(`${p.verb} ${p.resource}: the access review failed: ${errorText(err)}`);
    }
  }
  out.push(
    denied.length === 0
      ? {
          name: 'RBAC',
          ok: true,
          detail: `allowed: ${BOOTSTRAP_PERMISSIONS.map((p) => `${p.verb} ${p.resource}`).join(', ')}`,
        }
      : {
          name: 'RBAC',
          ok: false,
          detail: `not allowed: ${denied.join('; ')}`,
          fix: 'run bootstrap with a cluster-admin kubeconfig, or have an admin grant these',
        },
  );
  return out;
}
