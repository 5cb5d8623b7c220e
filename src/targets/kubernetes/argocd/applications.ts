import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { errorText, statusOf, type ClusterConnection } from '../cluster/index.js';

const GROUP = 'argoproj.io';
const VERSION = 'v1alpha1';
const PLURAL = 'applications';
/** Where a paused Application keeps the automated policy `resume` puts back. */
export const PAUSED_ANNOTATION = 'lakehouse.io/paused-sync-policy';

interface Automated {
  /** Argo CD 3: `enabled: false` keeps the policy but switches automated sync off. */
  enabled?: boolean;
  prune?: boolean;
  selfHeal?: boolean;
}

/** The parts of an Argo CD Application the platform reads. */
export interface Application {
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  spec: {
    source?: { repoURL?: string; targetRevision?: string; path?: string };
    syncPolicy?: { automated?: Automated | null; syncOptions?: string[] };
  };
  status?: {
    sync?: { status?: string; revision?: string };
    health?: { status?: string; message?: string };
    operationState?: {
      phase?: string;
      message?: string;
      syncResult?: { revision?: string };
      finishedAt?: string;
    };
    conditions?: { type: string; message: string }[];
    history?: { id: number; revision?: string; deployedAt?: string }[];
  };
  operation?: unknown;
}

/** An Application's state in one line's worth of fields. */
export interface ApplicationState {
  name: string;
  sync: string;
  health: string;
  /** The git commit it is synced to. */
  revision: string;
  automated: boolean;
  /** Paused by `lakehouse` (emergency rollback, scale without git): auto-sync is off until resume. */
  paused: boolean;
  /** The last sync operation's phase and message, when one ran. */
  operation?: { phase: string; message: string };
}

export function applicationState(app: Application): ApplicationState {
  const op = app.status?.operationState;
  return {
    name: app.metadata.name,
    sync: app.status?.sync?.status ?? 'Unknown',
    health: app.status?.health?.status ?? 'Unknown',
    revision: app.status?.sync?.revision ?? '',
    automated:
      Boolean(app.spec.syncPolicy?.automated) && app.spec.syncPolicy?.automated?.enabled !== false,
    paused: app.metadata.annotations?.[PAUSED_ANNOTATION] !== undefined,
    ...(op?.phase ? { operation: { phase: op.phase, message: op.message ?? '' } } : {}),
  };
}

/**
 * Argo CD's Applications of one namespace, through the API server (no argocd CLI or API server
 * needed): read, pause and resume automated sync the way `argocd app set --sync-policy none|
 * automated` does, and start a sync the way `argocd app sync` does (an `operation` on the object,
 * which the application controller picks up).
 */
export class Applications {
  constructor(
    private readonly c: ClusterConnection,
    readonly namespace: string,
  ) {}

  /** Every Application; [] when Argo CD's CRD is not installed. */
  async list(): Promise<Application[]> {
    try {
      const r = (await this.c.custom.listNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace: this.namespace,
        plural: PLURAL,
      })) as { items: Application[] };
      return r.items;
    } catch (err) {
      if (statusOf(err) === 404) return [];
      throw new Error(`cannot list Argo CD Applications: ${errorText(err)}`);
    }
  }

  /** The Application, or undefined when there is none (or no Argo CD). */
  async get(name: string): Promise<Application | undefined> {
    try {
      return (await this.c.custom.getNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace: this.namespace,
        plural: PLURAL,
        name,
      })) as Application;
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw new Error(`cannot read Argo CD Application ${name}: ${errorText(err)}`);
    }
  }

  private async merge(name: string, patch: unknown): Promise<Application> {
    return (await this.c.custom.patchNamespacedCustomObject(
      {
        group: GROUP,
        version: VERSION,
        namespace: this.namespace,
        plural: PLURAL,
        name,
        body: patch,
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )) as Application;
  }

  /**
   * Switches automated sync off and keeps the policy it had in an annotation, so Argo CD stops
   * putting git's state back while an operator's rollback or scale is in effect. Idempotent.
   */
  async pause(name: string): Promise<void> {
    const app = await this.get(name);
    if (!app || app.metadata.annotations?.[PAUSED_ANNOTATION] !== undefined) return;
    const automated = app.spec.syncPolicy?.automated ?? { prune: true, selfHeal: true };
    await this.merge(name, {
      metadata: { annotations: { [PAUSED_ANNOTATION]: JSON.stringify(automated) } },
      spec: { syncPolicy: { automated: null } },
    });
  }

  /** Puts back the automated policy `pause` kept; false when the Application was not paused. */
  async resume(name: string): Promise<boolean> {
    const app = await this.get(name);
    const kept = app?.metadata.annotations?.[PAUSED_ANNOTATION];
    if (!app || kept === undefined) return false;
    let automated: Automated;
    try {
      automated = JSON.parse(kept) as Automated;
    } catch {
      automated = { prune: true, selfHeal: true };
    }
    await this.merge(name, {
      metadata: { annotations: { [PAUSED_ANNOTATION]: null } },
      spec: { syncPolicy: { automated } },
    });
    return true;
  }

  /** Asks the controller to compare with git now (`argocd app get --refresh`). */
  async refresh(name: string): Promise<void> {
    await this.merge(name, {
      metadata: { annotations: { 'argocd.argoproj.io/refresh': 'normal' } },
    });
  }

  /**
   * Starts a sync of the Application's target revision (`argocd app sync`), unless one is
   * running. Returns when the controller accepted it; `waitSynced` waits for its end.
   */
  async sync(name: string, opts: { prune?: boolean } = {}): Promise<void> {
    const app = await this.get(name);
    if (!app) throw new Error(`there is no Argo CD Application ${name} in ${this.namespace}`);
    if (app.operation) return;
    await this.merge(name, {
      operation: {
        initiatedBy: { username: 'lakehouse' },
        sync: {
          revision: app.spec.source?.targetRevision ?? 'HEAD',
          prune: opts.prune ?? true,
          syncOptions: app.spec.syncPolicy?.syncOptions ?? [],
        },
      },
    });
  }
}
