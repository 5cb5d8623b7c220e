import { describe, expect, it } from 'vitest';
import {
  applyWithRollback,
  DeployNotStartedError,
  installRelease,
  type Component,
  type DeploySpec,
  type Release,
  type ReleaseTarget,
} from '../../../src/ops/index.js';
import { AT, localValues as values, quiet } from '../../support/ops.js';

/** A target that records what the workflow asked of it; `deploy` fails as scripted. */
function fakeTarget(failDeploy: (spec: DeploySpec) => Error | undefined) {
  const histories = new Map<Component, Release[]>([
    ['iceberg-catalog', [installRelease('iceberg-catalog', values, AT, AT)]],
  ]);
  const deployed: DeploySpec[] = [];
  const statusesAtDeploy: string[][] = [];
  const target: ReleaseTarget = {
    components: () => ['iceberg-catalog'],
    desired: () => {
      throw new Error('not used');
    },
    history: (c) => Promise.resolve(histories.get(c) ?? []),
    writeHistory: (c, h) => {
      histories.set(c, [...h]);
      return Promise.resolve();
    },
    deploy: (c, spec) => {
      // What a command killed right now would leave: the revision pending.
      statusesAtDeploy.push((histories.get(c) ?? []).map((r) => `${r.revision}:${r.status}`));
      const err = failDeploy(spec);
      if (err) return Promise.reject(err);
      deployed.push(spec);
      return Promise.resolve();
    },
    waitHealthy: () => Promise.resolve(),
    verify: () => Promise.resolve({ ok: true, detail: 'loaded a table' }),
    logTail: () => Promise.resolve({ process: 'iceberg-catalog', text: 'log line' }),
    pause: () => Promise.resolve(),
    resume: () => Promise.resolve(),
    paused: () => Promise.resolve([]),
    scaleWorkers: () => Promise.resolve(),
    healthTimeoutMs: () => 1000,
  };
  return { target, histories, deployed, statusesAtDeploy };
}

const newSpec: DeploySpec = { settings: { port: 1 }, version: 'next' };
const opts = { action: 'upgrade' as const, description: 'upgrade' };

describe('applyWithRollback', () => {
  it('a deploy that failed before changing anything is recorded failed, with no rollback', async () => {
    const { target, histories, deployed } = fakeTarget((spec) =>
      spec.version === 'next'
        ? new DeployNotStartedError('port 1 is held by another program', 'free it')
        : undefined,
    );
    const attempt = await applyWithRollback(target, 'iceberg-catalog', newSpec, opts, quiet);
    expect(attempt.failure).toMatchObject({
      reason: 'deploy failed: port 1 is held by another program (free it)',
      nothingChanged: true,
    });
    expect(attempt.rollback).toBeUndefined();
    expect(deployed).toEqual([]);
    const h = histories.get('iceberg-catalog') ?? [];
    expect(h.map((r) => [r.revision, r.status])).toEqual([
      [1, 'deployed'],
      [2, 'failed'],
    ]);
  });

  it('a deploy that failed after changing something is rolled back to the deployed revision', async () => {
    const { target, histories, deployed, statusesAtDeploy } = fakeTarget((spec) =>
      spec.version === 'next' ? new Error('restart failed') : undefined,
    );
    const attempt = await applyWithRollback(target, 'iceberg-catalog', newSpec, opts, quiet);
    expect(statusesAtDeploy).toEqual([
      ['1:deployed', '2:pending'],
      ['1:deployed', '2:failed', '3:pending'],
    ]);
    expect(attempt.failure?.nothingChanged).toBeUndefined();
    expect(attempt.rollback?.release).toMatchObject({ revision: 3, action: 'rollback' });
    expect(deployed.map((d) => d.version)).toEqual([
      histories.get('iceberg-catalog')?.[0]?.version,
    ]);
    const h = histories.get('iceberg-catalog') ?? [];
    expect(h.map((r) => [r.revision, r.status])).toEqual([
      [1, 'superseded'],
      [2, 'failed'],
      [3, 'deployed'],
    ]);
  });
});
