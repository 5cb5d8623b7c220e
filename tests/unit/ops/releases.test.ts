import { describe, expect, it } from 'vitest';
import { parseValues } from '../../../src/platform/config/index.js';
import {
  deployedRelease,
  diffSettings,
  failInterrupted,
  effectiveValues,
  installRelease,
  nextRevision,
  planComponent,
  recordOutcome,
  recordPending,
  recordSync,
  ReleaseError,
  renderPlan,
  rollbackTarget,
  settingsDigest,
  settingsOf,
  versionOf,
  type Release,
} from '../../../src/ops/index.js';

const values = (yaml = '') =>
  parseValues('local', [
    { file: 'env/local/helm-values.yaml', text: `global:\n  target: local\n${yaml}` },
  ]);

const AT = '2026-11-23T00:00:00.000Z';

function release(partial: Partial<Release> & Pick<Release, 'revision' | 'status'>): Release {
  const settings = partial.settings ?? { version: '476', queryMaxMemory: '1GB' };
  return {
    component: 'trino',
    version: '476',
    configDigest: settingsDigest(settings),
    settings,
    replicas: 1,
    action: 'upgrade',
    startedAt: AT,
    finishedAt: AT,
    description: '',
    ...partial,
  };
}

describe('release model', () => {
  it('settings are the component section; trino workers are replicas, out of the digest', () => {
    const a = values('trino:\n  workers:\n    count: 1\n');
    const b = values('trino:\n  workers:\n    count: 3\n');
    expect(settingsOf('trino', a)).not.toHaveProperty('workers.count');
    expect(settingsDigest(settingsOf('trino', a))).toBe(settingsDigest(settingsOf('trino', b)));
    expect(settingsOf('iceberg-catalog', a)).toEqual(a.icebergCatalog);
    expect(versionOf('trino', settingsOf('trino', a))).toBe(a.trino.version);
    expect(versionOf('minio', settingsOf('minio', a))).toBe(a.minio.version);
  });

  it('the digest ignores key order and changes with any value', () => {
    expect(settingsDigest({ a: 1, b: { c: 2, d: 3 } })).toBe(
      settingsDigest({ b: { d: 3, c: 2 }, a: 1 }),
    );
    expect(settingsDigest({ a: 1 })).not.toBe(settingsDigest({ a: 2 }));
    expect(settingsDigest({ a: 1 })).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('install release is revision 1, deployed, with the replicas', () => {
    const r = installRelease('trino', values(), AT, AT);
    expect(r).toMatchObject({ revision: 1, action: 'install', status: 'deployed', replicas: 1 });
    expect(installRelease('minio', values(), AT, AT).replicas).toBeUndefined();
  });
});

describe('history transitions', () => {
  const h1 = [release({ revision: 1, status: 'deployed', action: 'install' })];

  it('a deployed revision supersedes the previous one: exactly one deployed', () => {
    const h2 = recordOutcome(h1, release({ revision: 2, status: 'deployed' }));
    expect(h2.map((r) => r.status)).toEqual(['superseded', 'deployed']);
    expect(deployedRelease(h2)?.revision).toBe(2);
    expect(nextRevision(h2)).toBe(3);
  });

  it('a failed revision is recorded and the previous one stays deployed', () => {
    const h2 = recordOutcome(h1, release({ revision: 2, status: 'failed' }));
    expect(h2.map((r) => r.status)).toEqual(['deployed', 'failed']);
    const h3 = recordOutcome(h2, release({ revision: 3, status: 'deployed', action: 'rollback' }));
    expect(h3.map((r) => r.status)).toEqual(['superseded', 'failed', 'deployed']);
  });

  it("an operator's rollback marks the revision it leaves rolled-back", () => {
    const h2 = recordOutcome(h1, release({ revision: 2, status: 'deployed' }));
    const h3 = recordOutcome(
      h2,
      release({ revision: 3, status: 'deployed', action: 'rollback' }),
      'rolled-back',
    );
    expect(h3.map((r) => r.status)).toEqual(['superseded', 'rolled-back', 'deployed']);
  });

  it('a pending revision changes nothing until its outcome replaces it', () => {
    const pending = recordPending(h1, release({ revision: 2, status: 'deployed' }));
    expect(pending.map((r) => r.status)).toEqual(['deployed', 'pending']);
    expect(deployedRelease(pending)?.revision).toBe(1);
    expect(nextRevision(pending)).toBe(3);
    const done = recordOutcome(pending, release({ revision: 2, status: 'deployed' }));
    expect(done.map((r) => [r.revision, r.status])).toEqual([
      [1, 'superseded'],
      [2, 'deployed'],
    ]);
  });

  it('a revision still pending when the next command starts was interrupted: failed', () => {
    const pending = recordPending(
      h1,
      release({ revision: 2, status: 'deployed', description: 'upgrade' }),
    );
    const settled = failInterrupted(pending, AT);
    expect(settled.map((r) => r.status)).toEqual(['deployed', 'failed']);
    expect(settled[1]?.description).toBe(
      'upgrade; interrupted: the command applying it did not finish',
    );
    expect(failInterrupted(h1, AT)).toBe(h1);
  });

  it('refuses to record a revision twice', () => {
    expect(() => recordOutcome(h1, release({ revision: 1, status: 'deployed' }))).toThrow(
      /already recorded/,
    );
  });
});

describe('recording a sync', () => {
  const h1 = [release({ revision: 1, status: 'deployed', action: 'install' })];
  const same = { settings: h1[0]!.settings, version: '476', replicas: 1 };
  const LATER = '2026-11-24T00:00:00.000Z';

  it('settings the deployed revision has already are no new revision', () => {
    expect(recordSync(h1, 'trino', same, LATER, 'ArgoCD sync to abc')).toBeUndefined();
  });

  it('changed settings are a new deployed revision that supersedes the previous one', () => {
    const settings = { version: '477', queryMaxMemory: '2GB' };
    const synced = recordSync(h1, 'trino', { ...same, settings, version: '477' }, LATER, 'sync');
    expect(synced?.revision).toBe(2);
    expect(synced?.history.map((r) => [r.revision, r.status])).toEqual([
      [1, 'superseded'],
      [2, 'deployed'],
    ]);
    expect(synced?.history[1]).toEqual({
      component: 'trino',
      revision: 2,
      version: '477',
      configDigest: settingsDigest(settings),
      settings,
      replicas: 1,
      action: 'upgrade',
      status: 'deployed',
      startedAt: LATER,
      finishedAt: LATER,
      description: 'sync',
    });
  });

  it('a changed worker count alone is a new revision', () => {
    const synced = recordSync(h1, 'trino', { ...same, replicas: 3 }, LATER, 'sync');
    expect(synced?.history[1]).toMatchObject({ revision: 2, replicas: 3, action: 'upgrade' });
  });

  it('without a deployed revision the sync is the install; no replicas for other components', () => {
    const synced = recordSync(
      [],
      'minio',
      { settings: { version: 'v' }, version: 'v' },
      LATER,
      's',
    );
    expect(synced?.revision).toBe(1);
    expect(synced?.history).toHaveLength(1);
    expect(synced?.history[0]).toMatchObject({ action: 'install', status: 'deployed' });
    expect(synced?.history[0]).not.toHaveProperty('replicas');
  });

  it('compares with the deployed revision, not a failed later one, and numbers after both', () => {
    const h2 = recordOutcome(
      h1,
      release({ revision: 2, status: 'failed', settings: { version: '477' } }),
    );
    expect(recordSync(h2, 'trino', same, LATER, 'sync')).toBeUndefined();
    const synced = recordSync(h2, 'trino', { ...same, replicas: 2 }, LATER, 'sync');
    expect(synced?.history.map((r) => [r.revision, r.status])).toEqual([
      [1, 'superseded'],
      [2, 'failed'],
      [3, 'deployed'],
    ]);
  });
});

describe('rollback target', () => {
  const history = [
    release({ revision: 1, status: 'superseded' }),
    release({ revision: 2, status: 'superseded' }),
    release({ revision: 3, status: 'failed' }),
    release({ revision: 4, status: 'deployed' }),
  ];

  it('defaults to the last good revision before the deployed one, skipping failed ones', () => {
    expect(rollbackTarget('trino', history).revision).toBe(2);
  });

  it('takes a given revision', () => {
    expect(rollbackTarget('trino', history, 1).revision).toBe(1);
  });

  it('refuses a failed, the deployed or an unknown revision, listing the good ones', () => {
    expect(() => rollbackTarget('trino', history, 3)).toThrow(/revision 3 of trino failed/);
    expect(() => rollbackTarget('trino', history, 4)).toThrow(/is the deployed one/);
    expect(() => rollbackTarget('trino', history, 9)).toThrow(ReleaseError);
    try {
      rollbackTarget('trino', history, 9);
    } catch (err) {
      expect((err as ReleaseError).help).toContain('1, 2');
    }
  });

  it('refuses without a deployed or an earlier revision', () => {
    expect(() => rollbackTarget('trino', [])).toThrow('trino has no deployed release');
    expect(() => rollbackTarget('trino', [release({ revision: 1, status: 'deployed' })])).toThrow(
      /no revision before 1/,
    );
  });
});

describe('upgrade plan', () => {
  const deployed = (settings: Release['settings'], version = '476') => [
    release({ revision: 1, status: 'deployed', settings, version }),
  ];

  it('diffs nested settings as dotted keys', () => {
    expect(
      diffSettings(
        { coordinator: { heap: '2G', port: 1 }, queryMaxMemory: '1GB', list: [1] },
        { coordinator: { heap: '3G', port: 1 }, queryMaxMemory: '1GB', list: [1, 2], extra: true },
      ),
    ).toEqual([
      { key: 'coordinator.heap', from: '2G', to: '3G' },
      { key: 'extra', from: undefined, to: true },
      { key: 'list', from: [1], to: [1, 2] },
    ]);
  });

  it('a version change is the version line, not a setting line', () => {
    const plan = planComponent(
      'trino',
      { settings: { version: '477', queryMaxMemory: '1GB' }, version: '477' },
      deployed({ version: '476', queryMaxMemory: '1GB' }),
      false,
    );
    expect(plan).toMatchObject({ action: 'upgrade', fromVersion: '476', toVersion: '477' });
    expect(plan.changes).toEqual([]);
    expect(renderPlan([plan])).toEqual(['trino: revision 1 → 2', '  version: 476 → 477']);
  });

  it('a nested setting change is listed with old → new', () => {
    const plan = planComponent(
      'trino',
      { settings: { version: '476', coordinator: { heap: '3G' } }, version: '476' },
      deployed({ version: '476', coordinator: { heap: '2G' } }),
      false,
    );
    expect(renderPlan([plan])).toEqual([
      'trino: revision 1 → 2',
      '  coordinator.heap: "2G" → "3G"',
    ]);
  });

  it('nothing to do when settings and version match; install without a release', () => {
    const settings = { version: '476', queryMaxMemory: '1GB' };
    const same = planComponent('trino', { settings, version: '476' }, deployed(settings), false);
    expect(same.action).toBe('up-to-date');
    expect(renderPlan([same])).toEqual(['trino: up to date (revision 1)']);
    expect(planComponent('trino', { settings, version: '476' }, [], false).action).toBe('install');
  });

  it('a paused component is planned but skipped', () => {
    const plan = planComponent(
      'trino',
      { settings: { version: '476', queryMaxMemory: '2GB' }, version: '476' },
      deployed({ version: '476', queryMaxMemory: '1GB' }),
      true,
    );
    expect(plan.action).toBe('paused');
    expect(renderPlan([plan])[0]).toContain('skipped: reconciliation is paused');
  });
});

describe('effectiveValues', () => {
  it('without releases: the environment as is, every component unreleased', () => {
    const env = values();
    const eff = effectiveValues(env, {});
    expect(eff.values).toEqual(env);
    expect(eff.drift).toEqual([]);
    expect(eff.unreleased).toEqual([
      'observability',
      'minio',
      'iceberg-catalog',
      'trino',
      'airflow',
    ]);
  });

  it("a deployed release's settings and replicas win; a differing environment is drift", () => {
    const old = values('trino:\n  queryMaxMemory: 1GB\n');
    const rel = { ...installRelease('trino', old, AT, AT), replicas: 3 };
    const env = values('trino:\n  queryMaxMemory: 2GB\n');
    const eff = effectiveValues(env, { trino: [rel] });
    expect(eff.values.trino.queryMaxMemory).toBe('1GB');
    expect(eff.values.trino.workers.count).toBe(3);
    expect(eff.drift).toEqual([{ component: 'trino', revision: 1 }]);
    expect(eff.unreleased).not.toContain('trino');
    // Other sections stay the environment's.
    expect(eff.values.minio).toEqual(env.minio);
  });

  it('the same values as the release: no drift, even with a scaled worker count', () => {
    const env = values();
    const rel = { ...installRelease('trino', env, AT, AT), replicas: 2 };
    const eff = effectiveValues(env, { trino: [rel] });
    expect(eff.drift).toEqual([]);
    expect(eff.values.trino.workers.count).toBe(2);
  });

  it('only the deployed revision counts, not a failed later one', () => {
    const env = values();
    const good = installRelease('iceberg-catalog', env, AT, AT);
    const broken = {
      ...good,
      revision: 2,
      status: 'failed' as const,
      settings: { ...good.settings, database: 'postgresql://x@127.0.0.1:1/db' },
    };
    const eff = effectiveValues(env, { 'iceberg-catalog': [good, broken] });
    expect(eff.values.icebergCatalog.database).toBe('sqlite');
  });
});
