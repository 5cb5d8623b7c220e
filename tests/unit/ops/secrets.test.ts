import { describe, expect, it } from 'vitest';
import {
  COMPONENTS,
  installRelease,
  rotateCredentials,
  rotationOrder,
  type Component,
  type Release,
  type ReleaseTarget,
  type RotationJournal,
  type SecretsTarget,
  type Verification,
} from '../../../src/ops/index.js';
import { AT, localValues as values, quiet } from '../../support/ops.js';
import {
  primaryFernetKey,
  withNewCredentials,
  withoutPreviousFernetKeys,
  withRestoredCredentials,
  type PlatformSecrets,
} from '../../../src/targets/local/secrets.js';

interface Script {
  /** The component whose verification fails while the store holds the new credentials. */
  failVerifyWithNew?: Component;
  previousStillAccepted?: boolean;
  paused?: Component[];
  withoutRelease?: Component;
  /** Putting the previous credentials back fails. */
  restoreFails?: boolean;
  /** A journal left by an earlier rotation that did not finish. */
  unfinished?: RotationJournal;
  /** The owner keeps the previous credentials until they are retired (Airflow's fernet keys). */
  retires?: boolean;
}

/**
 * A target with a credentials "store" (a generation number) that records every restart and the
 * generation it ran with: enough to check the order, the restore and that nothing is recorded.
 */
function fakeTarget(script: Script = {}) {
  let generation = 1;
  const restarts: string[] = [];
  const historyWrites: Component[] = [];
  let rotations = 0;
  let journal: RotationJournal | null = script.unfinished ?? null;
  /** Each journal write: the holders restarted so far, or null when the rotation ended. */
  const journalWrites: Array<string[] | null> = [];
  const histories = new Map<Component, Release[]>(
    COMPONENTS.filter((c) => c !== script.withoutRelease).map((c) => [
      c,
      [installRelease(c, values, AT, AT)],
    ]),
  );
  const target: ReleaseTarget & SecretsTarget = {
    components: () => ['observability', 'minio', 'iceberg-catalog', 'trino', 'airflow'],
    desired: () => {
      throw new Error('not used');
    },
    history: (c) => Promise.resolve(histories.get(c) ?? []),
    writeHistory: (c) => {
      historyWrites.push(c);
      return Promise.resolve();
    },
    deploy: (c, spec) => {
      restarts.push(`${c}@${generation} (${spec.version})`);
      return Promise.resolve();
    },
    waitHealthy: () => Promise.resolve(),
    verify: (c): Promise<Verification> =>
      Promise.resolve(
        c === script.failVerifyWithNew && generation === 2
          ? { ok: false, detail: 'S3 access denied' }
          : { ok: true, detail: `${c} ok` },
      ),
    logTail: (c) => Promise.resolve({ process: c, text: `${c} log` }),
    pause: () => Promise.resolve(),
    resume: () => Promise.resolve(),
    paused: () => Promise.resolve(script.paused ?? []),
    scaleWorkers: () => Promise.resolve(),
    healthTimeoutMs: () => 1000,
    rotateCredentials: () => {
      rotations++;
      generation = 2;
      return Promise.resolve({
        restore: () => {
          if (script.restoreFails) return Promise.reject(new Error('disk full'));
          generation = 1;
          return Promise.resolve();
        },
        ...(script.retires
          ? {
              retirePrevious: () => {
                restarts.push('retire');
                return Promise.resolve('previous key dropped');
              },
            }
          : {}),
        previousRefused: () =>
          Promise.resolve(
            script.previousStillAccepted
              ? { ok: false, detail: 'MinIO still accepts the previous access key' }
              : { ok: true, detail: 'MinIO refuses the previous access key (InvalidAccessKeyId)' },
          ),
      });
    },
    unfinishedRotation: () => Promise.resolve(journal),
    journalRotation: (j) => {
      journal = j === null ? null : structuredClone(j);
      journalWrites.push(j === null ? null : [...j.restarted]);
      return Promise.resolve();
    },
  };
  return {
    target,
    restarts,
    historyWrites,
    rotations: () => rotations,
    journal: () => journal,
    journalWrites,
  };
}

const minioVersion = installRelease('minio', values, AT, AT).version;

describe('rotationOrder', () => {
  it('restarts the owner first, then the holders the environment enables', () => {
    expect(rotationOrder('minio', ['observability', 'minio', 'iceberg-catalog', 'trino'])).toEqual([
      'minio',
      'iceberg-catalog',
      'trino',
      'observability',
    ]);
    expect(rotationOrder('minio', ['minio', 'trino'])).toEqual(['minio', 'trino']);
    expect(rotationOrder('airflow', ['minio', 'airflow'])).toEqual(['airflow']);
  });

  it('refuses a set whose owner is not enabled', () => {
    expect(() => rotationOrder('airflow', ['minio', 'trino'])).toThrow(
      /airflow is not enabled in this environment: there are no Airflow's admin password, API secrets and fernet key to rotate/,
    );
  });
});

describe('rotateCredentials', () => {
  it('restarts every holder with the new credentials in order, checks the old are refused, records no release', async () => {
    const { target, restarts, historyWrites, rotations } = fakeTarget();
    const result = await rotateCredentials(target, 'minio', quiet);
    expect(result.failure).toBeUndefined();
    expect(rotations()).toBe(1);
    expect(restarts).toEqual([
      `minio@2 (${minioVersion})`,
      expect.stringMatching(/^iceberg-catalog@2 /),
      expect.stringMatching(/^trino@2 /),
      expect.stringMatching(/^observability@2 /),
    ]);
    expect(result.restarted.map((r) => [r.component, r.verified])).toEqual([
      ['minio', 'minio ok'],
      ['iceberg-catalog', 'iceberg-catalog ok'],
      ['trino', 'trino ok'],
      ['observability', 'observability ok'],
    ]);
    expect(result.previousRefused).toBe(
      'MinIO refuses the previous access key (InvalidAccessKeyId)',
    );
    expect(historyWrites).toEqual([]);
  });

  it('journals the rotation while it runs, holder by holder, and ends the journal when done', async () => {
    const { target, journal, journalWrites } = fakeTarget();
    await rotateCredentials(target, 'minio', quiet);
    expect(journalWrites).toEqual([
      [],
      ['minio'],
      ['minio', 'iceberg-catalog'],
      ['minio', 'iceberg-catalog', 'trino'],
      ['minio', 'iceberg-catalog', 'trino', 'observability'],
      null,
    ]);
    expect(journal()).toBeNull();
  });

  it('retires the previous credentials after every holder restarted, then restarts the owner again', async () => {
    const { target, restarts } = fakeTarget({ retires: true });
    const result = await rotateCredentials(target, 'airflow', quiet);
    expect(result.failure).toBeUndefined();
    expect(result.retired).toBe('previous key dropped');
    expect(restarts.map((r) => r.split(' ')[0])).toEqual(['airflow@2', 'retire', 'airflow@2']);
  });

  it('keeps the journal when the previous credentials could not be put back', async () => {
    const { target, journal } = fakeTarget({ failVerifyWithNew: 'trino', restoreFails: true });
    const result = await rotateCredentials(target, 'minio', quiet);
    expect(result.failure).toMatchObject({ restored: false, restoreError: 'disk full' });
    expect(journal()).toMatchObject({
      set: 'minio',
      holders: ['minio', 'iceberg-catalog', 'trino', 'observability'],
      restarted: ['minio', 'iceberg-catalog'],
    });
  });

  it('an unfinished rotation of the same set is finished by rotating again; another set must wait', async () => {
    const unfinished: RotationJournal = {
      set: 'minio',
      startedAt: AT,
      holders: ['minio', 'iceberg-catalog', 'trino', 'observability'],
      restarted: ['minio'],
    };
    const other = fakeTarget({ unfinished });
    await expect(rotateCredentials(other.target, 'airflow', quiet)).rejects.toThrow(
      `a rotation of MinIO's root credentials (started ${AT}) did not finish: iceberg-catalog, trino, observability may still use the previous ones`,
    );
    expect(other.rotations()).toBe(0);
    expect(other.journal()).toEqual(unfinished);

    const same = fakeTarget({ unfinished });
    const result = await rotateCredentials(same.target, 'minio', quiet);
    expect(result.failure).toBeUndefined();
    expect(same.restarts.map((r) => r.split(' ')[0])).toEqual([
      'minio@2',
      'iceberg-catalog@2',
      'trino@2',
      'observability@2',
    ]);
    expect(same.journal()).toBeNull();
  });

  it('a failed verification puts the previous credentials back and restarts what it touched', async () => {
    const { target, restarts, journal } = fakeTarget({ failVerifyWithNew: 'trino' });
    const result = await rotateCredentials(target, 'minio', quiet);
    expect(journal()).toBeNull();
    expect(result.failure).toEqual({
      component: 'trino',
      reason: 'verification failed: S3 access denied',
      logTail: { process: 'trino', text: 'trino log' },
      restored: true,
    });
    expect(restarts.map((r) => r.split(' ')[0])).toEqual([
      'minio@2',
      'iceberg-catalog@2',
      'trino@2',
      'minio@1',
      'iceberg-catalog@1',
      'trino@1',
    ]);
  });

  it('an owner that still takes the previous credentials fails the rotation and undoes it', async () => {
    const { target, restarts } = fakeTarget({ previousStillAccepted: true });
    const result = await rotateCredentials(target, 'minio', quiet);
    expect(result.failure).toMatchObject({
      component: 'minio',
      reason: 'MinIO still accepts the previous access key',
      restored: true,
    });
    expect(restarts.filter((r) => r.includes('@1')).map((r) => r.split('@')[0])).toEqual([
      'minio',
      'iceberg-catalog',
      'trino',
      'observability',
    ]);
  });

  it('refuses before generating anything when a holder is paused or has no release', async () => {
    const paused = fakeTarget({ paused: ['trino'] });
    await expect(rotateCredentials(paused.target, 'minio', quiet)).rejects.toThrow(
      'trino is paused (emergency rollback): a rotation must restart it',
    );
    expect(paused.rotations()).toBe(0);

    const fresh = fakeTarget({ withoutRelease: 'iceberg-catalog' });
    await expect(rotateCredentials(fresh.target, 'minio', quiet)).rejects.toThrow(
      'iceberg-catalog has no deployed release to restart with new credentials',
    );
    expect(fresh.rotations()).toBe(0);
    expect(fresh.restarts).toEqual([]);
  });
});

describe('withNewCredentials', () => {
  const current: PlatformSecrets = {
    minio: { rootUser: 'lakehouse-0000', rootPassword: 'p'.repeat(32) },
    airflow: {
      adminPassword: 'a'.repeat(24),
      jwtSecret: 'j'.repeat(43),
      apiSecretKey: 'k'.repeat(43),
      fernetKey: `${'f'.repeat(43)}=`,
    },
  };

  it('replaces only the MinIO credentials for minio', () => {
    const next = withNewCredentials(current, 'minio');
    expect(next.airflow).toEqual(current.airflow);
    expect(next.minio.rootUser).toMatch(/^lakehouse-[0-9a-f]{8}$/);
    expect(next.minio.rootUser).not.toBe(current.minio.rootUser);
    expect(next.minio.rootPassword).not.toBe(current.minio.rootPassword);
    expect(next.minio.rootPassword.length).toBeGreaterThanOrEqual(16);
  });

  it("replaces Airflow's password and API secrets, and puts a new fernet key before the current", () => {
    const next = withNewCredentials(current, 'airflow');
    expect(next.minio).toEqual(current.minio);
    for (const key of ['adminPassword', 'jwtSecret', 'apiSecretKey'] as const)
      expect(next.airflow[key]).not.toBe(current.airflow[key]);
    const [newKey, oldKey, ...rest] = next.airflow.fernetKey.split(',');
    expect(newKey).toMatch(/^[A-Za-z0-9_-]{43}=$/);
    expect(newKey).not.toBe(current.airflow.fernetKey);
    expect(oldKey).toBe(current.airflow.fernetKey);
    expect(rest).toEqual([]);
    expect(primaryFernetKey(next.airflow.fernetKey)).toBe(newKey);
    expect(withoutPreviousFernetKeys(next).airflow).toEqual({ ...next.airflow, fernetKey: newKey });
  });

  it('a failed rotation restores the previous credentials but keeps the new fernet key readable', () => {
    const next = withNewCredentials(current, 'airflow');
    const newKey = primaryFernetKey(next.airflow.fernetKey);
    const restored = withRestoredCredentials(current, next);
    expect(restored.airflow).toEqual({
      ...current.airflow,
      fernetKey: `${current.airflow.fernetKey},${newKey}`,
    });
    expect(primaryFernetKey(restored.airflow.fernetKey)).toBe(current.airflow.fernetKey);
    // MinIO's rotation leaves the fernet keys alone.
    expect(withRestoredCredentials(current, withNewCredentials(current, 'minio'))).toEqual(current);
  });
});
