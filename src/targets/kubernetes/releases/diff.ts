import { createTwoFilesPatch } from 'diff';
import { parseAllDocuments, stringify } from 'yaml';
import { deployedRelease, type Component, type DeploySpec } from '../../../ops/index.js';
import type { KubernetesReleaseTarget } from './target.js';

/**
 * A rendered manifest with Secrets' data masked: charts generate credentials with `lookup`, which
 * `helm template` cannot do, so each render has new random values that would be noise in a diff
 * (and must never be printed).
 */
export function maskSecrets(manifest: string): string {
  return parseAllDocuments(manifest)
    .map((doc) => doc.toJS() as Record<string, unknown> | null)
    .filter((o): o is Record<string, unknown> => o !== null && typeof o === 'object')
    .map((o) => {
      if (o['kind'] === 'Secret') {
        for (const key of ['data', 'stringData']) {
          const data = o[key] as Record<string, unknown> | undefined;
          if (data) o[key] = Object.fromEntries(Object.keys(data).map((k) => [k, '(generated)']));
        }
      }
      return stringify(o);
    })
    .join('---\n');
}

/**
 * `upgrade --dry-run` on Kubernetes: the unified diff between what the deployed revision renders
 * and what the environment's values render, per component (like `helm diff upgrade`).
 */
export async function manifestDiff(
  target: KubernetesReleaseTarget,
  component: Component,
  desired: DeploySpec,
): Promise<string> {
  const render = async (spec: DeploySpec): Promise<string> =>
    maskSecrets(
      await target.opts.helm.template({
        release: component,
        chart: target.chartOf(component),
        namespace: target.namespace,
        values: await target.valuesFor(component, spec),
      }),
    );
  const deployed = deployedRelease(await target.history(component));
  const before = deployed
    ? await render({
        settings: deployed.settings,
        version: deployed.version,
        ...(deployed.replicas !== undefined ? { replicas: deployed.replicas } : {}),
      })
    : '';
  const after = await render(desired);
  if (before === after) return `${component}: the rendered manifest does not change\n`;
  return createTwoFilesPatch(
    `${component} (revision ${deployed?.revision ?? 'none'})`,
    `${component} (env values)`,
    before,
    after,
    undefined,
    undefined,
    { context: 3 },
  );
}
