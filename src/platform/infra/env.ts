/**
 * Which environments `infra/` provisions. An environment with `env/<env>/terraform.tfvars` gets a
 * cloud cluster from infra/; a Kubernetes environment without one runs on a cluster that exists
 * already (KUBECONFIG / --kube-context), and the local one on this machine. Pure.
 */

/** `env/<env>/terraform.tfvars`, relative to the repository: the runbook's -var-file. */
export const tfvarsFile = (env: string): string => `env/${env}/terraform.tfvars`;

/** What the `infra` commands can do for an environment. */
export type InfraEnv =
  | { kind: 'provisioned'; env: string; varFile: string }
  | { kind: 'existing-cluster'; env: string }
  | { kind: 'local'; env: string }
  | { kind: 'unknown'; env: string; known: readonly string[] };

export interface InfraEnvFacts {
  env: string;
  /** The folders under env/. */
  knownEnvs: readonly string[];
  hasTfvars: boolean;
  /** `global.target` of env/<env>/helm-values.yaml, when it could be read. */
  target: string | undefined;
}

const ENV_NAME = /^[a-z0-9][a-z0-9-]*$/;

export function infraEnv(facts: InfraEnvFacts): InfraEnv {
  const { env } = facts;
  if (!ENV_NAME.test(env) || !facts.knownEnvs.includes(env)) {
    return { kind: 'unknown', env, known: facts.knownEnvs };
  }
  if (facts.hasTfvars) return { kind: 'provisioned', env, varFile: tfvarsFile(env) };
  return facts.target === 'local' ? { kind: 'local', env } : { kind: 'existing-cluster', env };
}

/** Why `lakehouse infra` cannot run for an environment, and what to do instead. */
export function infraEnvRefusal(e: InfraEnv): { message: string; help: string } | undefined {
  switch (e.kind) {
    case 'provisioned':
      return undefined;
    case 'unknown':
      return {
        message: `there is no environment "${e.env}" (no folder env/${e.env})`,
        help: `use --env with one of: ${e.known.join(', ') || '(none)'}`,
      };
    case 'local':
      return {
        message: `environment "${e.env}" runs on this machine: it has no ${tfvarsFile(e.env)} and no cloud infrastructure to provision`,
        help: `use \`lakehouse up --env ${e.env}\`; infra/ provisions the Kubernetes environments that have a terraform.tfvars`,
      };
    case 'existing-cluster':
      return {
        message: `environment "${e.env}" runs on an existing cluster: it has no ${tfvarsFile(e.env)}, so infra/ provisions nothing for it`,
        help: `point KUBECONFIG (or --kube-context) at the cluster; to have infra/ create one, add ${tfvarsFile(e.env)} (copy env/dev/terraform.tfvars)`,
      };
  }
}
