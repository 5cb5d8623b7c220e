import {
  AppsV1Api,
  AuthorizationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  DiscoveryV1Api,
  KubeConfig,
  VersionApi,
} from '@kubernetes/client-node';
import { existsSync } from 'node:fs';
import { UserError } from '../../../lib/index.js';

/** Where the cluster comes from: the runbook's KUBECONFIG and current context, or flags. */
export interface ClusterOptions {
  /** A kubeconfig file; default `$KUBECONFIG`, then `~/.kube/config`. */
  kubeconfig?: string;
  /** A context of that file; default its current context. */
  context?: string;
}

/** The typed APIs of one cluster, and how to hand the same cluster to helm and kubectl. */
export interface ClusterConnection {
  kubeConfig: KubeConfig;
  core: CoreV1Api;
  apps: AppsV1Api;
  custom: CustomObjectsApi;
  /** EndpointSlices (discovery.k8s.io/v1): which pods back a Service. */
  discovery: DiscoveryV1Api;
  authorization: AuthorizationV1Api;
  version: VersionApi;
  /** The API server's URL. */
  server: string;
  context: string;
  /** `--kubeconfig`/`--kube-context` arguments that select this cluster for helm. */
  toolArgs: string[];
  /** The same for kubectl, whose flag is `--context`. */
  kubectlArgs: string[];
}

/**
 * Reads the kubeconfig and selects the context. Does not contact the cluster: `reachable` does.
 * A missing file or unknown context is the user's to fix, and says how.
 */
export function connectCluster(opts: ClusterOptions = {}): ClusterConnection {
  const kc = new KubeConfig();
  const file = opts.kubeconfig ?? process.env.KUBECONFIG?.split(':').find((f) => f !== '');
  if (file !== undefined && !existsSync(file)) {
    throw new UserError(
      `kubeconfig ${file} does not exist`,
      'point KUBECONFIG (or --kubeconfig) at the cluster admin kubeconfig your provider gives you',
    );
  }
  try {
    if (file !== undefined) kc.loadFromFile(file);
    else kc.loadFromDefault();
  } catch (err) {
    throw new UserError(
      `cannot read the kubeconfig ${file ?? '(default)'}: ${(err as Error).message}`,
      'check the file is a kubeconfig (`kubectl config view`)',
    );
  }
  if (opts.context !== undefined) {
    if (!kc.getContexts().some((c) => c.name === opts.context)) {
      throw new UserError(
        `context "${opts.context}" is not in the kubeconfig`,
        `contexts: ${
          kc
            .getContexts()
            .map((c) => c.name)
            .join(', ') || '(none)'
        }`,
      );
    }
    kc.setCurrentContext(opts.context);
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster) {
    throw new UserError(
      'no Kubernetes cluster is configured',
      'set KUBECONFIG to your cluster’s kubeconfig, or pass --kube-context',
    );
  }
  const toolArgs: string[] = [];
  if (file !== undefined) toolArgs.push('--kubeconfig', file);
  toolArgs.push('--kube-context', kc.getCurrentContext());
  return {
    kubeConfig: kc,
    core: kc.makeApiClient(CoreV1Api),
    apps: kc.makeApiClient(AppsV1Api),
    custom: kc.makeApiClient(CustomObjectsApi),
    discovery: kc.makeApiClient(DiscoveryV1Api),
    authorization: kc.makeApiClient(AuthorizationV1Api),
    version: kc.makeApiClient(VersionApi),
    server: cluster.server,
    context: kc.getCurrentContext(),
    toolArgs,
    kubectlArgs: toolArgs.map((a) => (a === '--kube-context' ? '--context' : a)),
  };
}

/** The API server's version when it answers, or why it does not. */
export async function reachable(
  c: ClusterConnection,
): Promise<{ ok: true; version: string } | { ok: false; reason: string }> {
  try {
    const v = await c.version.getCode();
    return { ok: true, version: v.gitVersion };
  } catch (err) {
    return { ok: false, reason: errorText(err) };
  }
}

/** HTTP status of a client-node error (ApiException), if it has one. */
export function statusOf(err: unknown): number | undefined {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}

/** One line saying why a call failed: the API's message when the server answered. */
export function errorText(err: unknown): string {
  const body = (err as { body?: unknown }).body;
  if (typeof body === 'string') {
    try {
      const parsed = JSON.parse(body) as { message?: string };
      if (parsed.message) return parsed.message;
    } catch {
      // Not JSON: fall through to the error's own message.
    }
  }
  const msg = err instanceof Error ? err.message : String(err);
  // fetch's "fetch failed" hides why: the connection error is its cause.
  const cause = (err as { cause?: { code?: unknown; message?: unknown } }).cause;
  const why =
    cause && typeof cause.message === 'string'
      ? ` (${typeof cause.code === 'string' ? `${cause.code}: ` : ''}${cause.message})`
      : '';
  return `${msg.split('\n')[0] ?? msg}${why}`;
}
