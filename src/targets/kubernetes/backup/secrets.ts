import type { V1Secret } from '@kubernetes/client-node';
import { z } from 'zod';
import { UserError } from '../../../lib/index.js';
import { errorText, statusOf, type ClusterConnection } from '../cluster/index.js';

/**
 * The platform's Secrets as a backup holds them: a `kubectl apply -f`-able List (the runbook's
 * `kubectl get secrets -o yaml > secrets-backup.yaml`) of the Secrets the charts generate
 * (label app.kubernetes.io/part-of=lakehouse, type Opaque) — not helm's release records or
 * service-account tokens, which the cluster makes itself.
 */
export const PLATFORM_SECRETS = 'app.kubernetes.io/part-of=lakehouse';

const SecretEntry = z.object({
  apiVersion: z.literal('v1'),
  kind: z.literal('Secret'),
  metadata: z.object({
    name: z.string().regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, 'a Secret name'),
    labels: z.record(z.string(), z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
  }),
  type: z.literal('Opaque'),
  data: z.record(z.string().regex(/^[-._a-zA-Z0-9]+$/), z.string().base64()).default({}),
});
const SecretList = z.object({
  apiVersion: z.literal('v1'),
  kind: z.literal('List'),
  items: z.array(SecretEntry),
});
export type SecretList = z.infer<typeof SecretList>;

/** Annotations the cluster or a tool writes, not the chart: left out of the backup. */
const TRANSIENT_ANNOTATION =
  /^(kubectl\.kubernetes\.io\/last-applied-configuration|argocd\.argoproj\.io\/tracking-id)$/;

export async function exportSecrets(c: ClusterConnection, namespace: string): Promise<Buffer> {
  const list = await c.core.listNamespacedSecret({ namespace, labelSelector: PLATFORM_SECRETS });
  const items = list.items
    .filter((s) => (s.type ?? 'Opaque') === 'Opaque')
    .map((s) => ({
      apiVersion: 'v1' as const,
      kind: 'Secret' as const,
      metadata: {
        name: s.metadata?.name ?? '',
        ...(s.metadata?.labels ? { labels: s.metadata.labels } : {}),
        annotations: Object.fromEntries(
          Object.entries(s.metadata?.annotations ?? {}).filter(
            ([k]) => !TRANSIENT_ANNOTATION.test(k),
          ),
        ),
      },
      type: 'Opaque' as const,
      data: s.data ?? {},
    }))
    .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  if (items.length === 0) {
    throw new UserError(
      `namespace ${namespace} holds none of the platform's Secrets (${PLATFORM_SECRETS})`,
      'is the platform deployed in this cluster? `lakehouse status --env <env>`',
    );
  }
  return Buffer.from(`${JSON.stringify({ apiVersion: 'v1', kind: 'List', items }, null, 2)}\n`);
}

/** Parses a backup's Secrets, refusing anything but the platform's Opaque Secrets. */
export function parseSecrets(content: Buffer): SecretList {
  let json: unknown;
  try {
    json = JSON.parse(content.toString('utf8'));
  } catch {
    throw new UserError(
      "the backup's secrets are not the JSON List `lakehouse backup` writes on Kubernetes",
      'restore a backup taken from a Kubernetes environment (a local backup holds a credentials file instead)',
    );
  }
  const parsed = SecretList.safeParse(json);
  if (!parsed.success) {
    throw new UserError(
      `the backup's secrets are not a List of Opaque Secrets: ${parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.')}: ${i.message}`)
        .join('; ')}`,
      'restore a backup taken from a Kubernetes environment with `lakehouse backup`',
    );
  }
  return parsed.data;
}

/**
 * Puts each Secret of the backup in place: a Secret that exists gets the backup's data (its
 * labels and annotations as the chart set them stay), a missing one is created as backed up.
 * Returns the names written; prints no value.
 */
export async function restoreSecrets(
  c: ClusterConnection,
  namespace: string,
  list: SecretList,
): Promise<string[]> {
  const written: string[] = [];
  for (const s of list.items) {
    const name = s.metadata.name;
    let existing: V1Secret | undefined;
    try {
      existing = await c.core.readNamespacedSecret({ name, namespace });
    } catch (err) {
      if (statusOf(err) !== 404) throw new Error(`cannot read Secret ${name}: ${errorText(err)}`);
    }
    try {
      if (existing) {
        await c.core.replaceNamespacedSecret({
          name,
          namespace,
          body: { ...existing, data: s.data, stringData: undefined },
        });
      } else {
        await c.core.createNamespacedSecret({
          namespace,
          body: { metadata: s.metadata, type: s.type, data: s.data },
        });
      }
    } catch (err) {
      throw new Error(`cannot write Secret ${name}: ${errorText(err)}`);
    }
    written.push(name);
  }
  return written;
}
