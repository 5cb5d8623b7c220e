import { describe, expect, it } from 'vitest';
import {
  applicationState,
  PAUSED_ANNOTATION,
  type Application,
} from '../../../../src/targets/kubernetes/argocd/applications.js';

/** An Application as Argo CD's controller leaves it after a successful automated sync. */
function app(over: Partial<Application> = {}): Application {
  return {
    metadata: { name: 'trino', namespace: 'argocd' },
    spec: {
      source: { repoURL: 'https://git.example.com/lakehouse.git', targetRevision: 'main' },
      syncPolicy: {
        automated: { prune: true, selfHeal: true },
        syncOptions: ['CreateNamespace=true'],
      },
    },
    status: {
      sync: { status: 'Synced', revision: '4f2a9c1e0b7d' },
      health: { status: 'Healthy' },
    },
    ...over,
  };
}

describe('applicationState', () => {
  it('reads sync, health, revision and automated policy of a synced Application', () => {
    expect(applicationState(app())).toEqual({
      name: 'trino',
      sync: 'Synced',
      health: 'Healthy',
      revision: '4f2a9c1e0b7d',
      automated: true,
      paused: false,
    });
  });

  it('an Application without status yet is Unknown/Unknown with no revision', () => {
    const s = applicationState(app({ status: undefined }));
    expect(s).toMatchObject({ sync: 'Unknown', health: 'Unknown', revision: '' });
    expect(s).not.toHaveProperty('operation');
  });

  it('reads OutOfSync and Degraded as they are', () => {
    const s = applicationState(
      app({
        status: {
          sync: { status: 'OutOfSync', revision: 'aaaa111' },
          health: {
            status: 'Degraded',
            message: 'Deployment "trino" exceeded its progress deadline',
          },
        },
      }),
    );
    expect(s).toMatchObject({ sync: 'OutOfSync', health: 'Degraded', revision: 'aaaa111' });
  });

  it('automated is false without a policy and with the null a pause leaves', () => {
    expect(applicationState(app({ spec: { syncPolicy: { automated: null } } })).automated).toBe(
      false,
    );
    expect(applicationState(app({ spec: { syncPolicy: {} } })).automated).toBe(false);
    expect(applicationState(app({ spec: {} })).automated).toBe(false);
  });

  it('an empty automated policy ({}) is automated sync on, as in Argo CD', () => {
    expect(applicationState(app({ spec: { syncPolicy: { automated: {} } } })).automated).toBe(true);
  });

  it('paused follows the annotation lakehouse keeps the policy in, not the policy itself', () => {
    const paused = applicationState(
      app({
        metadata: {
          name: 'trino',
          annotations: {
            [PAUSED_ANNOTATION]: JSON.stringify({ prune: true, selfHeal: true }),
          },
        },
        spec: { syncPolicy: { automated: null } },
      }),
    );
    expect(paused).toMatchObject({ automated: false, paused: true });

    // Automated sync switched off by hand (not by lakehouse) is not a lakehouse pause.
    const manual = applicationState(app({ spec: { syncPolicy: { automated: null } } }));
    expect(manual).toMatchObject({ automated: false, paused: false });

    // Other annotations do not make it paused.
    const other = applicationState(
      app({
        metadata: { name: 'trino', annotations: { 'argocd.argoproj.io/refresh': 'normal' } },
      }),
    );
    expect(other.paused).toBe(false);
  });

  it('an empty annotation value still counts as paused', () => {
    const s = applicationState(
      app({ metadata: { name: 'trino', annotations: { [PAUSED_ANNOTATION]: '' } } }),
    );
    expect(s.paused).toBe(true);
  });

  it('the annotation key is the one pause and resume use', () => {
    expect(PAUSED_ANNOTATION).toBe('lakehouse.io/paused-sync-policy');
  });

  it('reports the last operation phase and message', () => {
    const s = applicationState(
      app({
        status: {
          sync: { status: 'OutOfSync', revision: 'bbbb222' },
          health: { status: 'Progressing' },
          operationState: {
            phase: 'Failed',
            message: 'one or more objects failed to apply',
            syncResult: { revision: 'bbbb222' },
            finishedAt: '2026-12-01T10:00:00Z',
          },
        },
      }),
    );
    expect(s.operation).toEqual({
      phase: 'Failed',
      message: 'one or more objects failed to apply',
    });
  });

  it('an operation without a message has an empty one; without a phase there is none', () => {
    const running = applicationState(
      app({
        status: { sync: { status: 'Synced' }, operationState: { phase: 'Running' } },
      }),
    );
    expect(running.operation).toEqual({ phase: 'Running', message: '' });
    const noPhase = applicationState(
      app({ status: { sync: { status: 'Synced' }, operationState: { message: 'x' } } }),
    );
    expect(noPhase).not.toHaveProperty('operation');
  });
});
