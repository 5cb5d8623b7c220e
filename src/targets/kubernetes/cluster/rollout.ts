import type { V1DaemonSet, V1Deployment, V1StatefulSet } from '@kubernetes/client-node';

/** A workload a component runs, and where its rollout stands. */
export interface WorkloadRollout {
  kind: 'Deployment' | 'StatefulSet' | 'DaemonSet';
  name: string;
  done: boolean;
  /** `kubectl rollout status`'s words: "2 of 3 updated replicas are available". */
  detail: string;
}

/**
 * `kubectl rollout status` for one Deployment, as a pure function of the object (the same checks
 * kubectl makes: the controller saw the latest spec, every replica runs the new template and is
 * available, no old replica is left, and the rollout has not exceeded its progress deadline).
 */
export function deploymentRollout(d: V1Deployment): WorkloadRollout {
  const name = d.metadata?.name ?? '?';
  const base = { kind: 'Deployment' as const, name };
  const want = d.spec?.replicas ?? 1;
  const s = d.status ?? {};
  if ((d.metadata?.generation ?? 0) > (s.observedGeneration ?? 0)) {
    return {
      ...base,
      done: false,
      detail: 'waiting for the deployment spec update to be observed',
    };
  }
  const stalled = s.conditions?.find(
    (c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded',
  );
  if (stalled) {
    return {
      ...base,
      done: false,
      detail: `exceeded its progress deadline (${stalled.message ?? ''})`,
    };
  }
  const updated = s.updatedReplicas ?? 0;
  const total = s.replicas ?? 0;
  const available = s.availableReplicas ?? 0;
  if (updated < want) {
    return {
      ...base,
      done: false,
      detail: `${updated} out of ${want} new replicas have been updated`,
    };
  }
  if (total > updated) {
    return {
      ...base,
      done: false,
      detail: `${total - updated} old replicas are pending termination`,
    };
  }
  if (available < updated) {
    return {
      ...base,
      done: false,
      detail: `${available} of ${updated} updated replicas are available`,
    };
  }
  return { ...base, done: true, detail: `${available}/${want} available` };
}

export function statefulSetRollout(s: V1StatefulSet): WorkloadRollout {
  const name = s.metadata?.name ?? '?';
  const base = { kind: 'StatefulSet' as const, name };
  const want = s.spec?.replicas ?? 1;
  const st = s.status ?? { replicas: 0 };
  if ((s.metadata?.generation ?? 0) > (st.observedGeneration ?? 0)) {
    return {
      ...base,
      done: false,
      detail: 'waiting for the statefulset spec update to be observed',
    };
  }
  const ready = st.readyReplicas ?? 0;
  if (ready < want) {
    return { ...base, done: false, detail: `${ready} of ${want} pods are ready` };
  }
  // kubectl's rule: a rolling update is done when every pod runs the update revision, which the
  // controller reports by making it the current one (ready counts old pods until then).
  if (st.updateRevision && st.currentRevision !== st.updateRevision) {
    return {
      ...base,
      done: false,
      detail: `${st.updatedReplicas ?? 0} of ${want} pods run revision ${st.updateRevision}`,
    };
  }
  return { ...base, done: true, detail: `${ready}/${want} ready` };
}

export function daemonSetRollout(d: V1DaemonSet): WorkloadRollout {
  const name = d.metadata?.name ?? '?';
  const base = { kind: 'DaemonSet' as const, name };
  const st = d.status;
  if (!st || (d.metadata?.generation ?? 0) > (st.observedGeneration ?? 0)) {
    return {
      ...base,
      done: false,
      detail: 'waiting for the daemon set spec update to be observed',
    };
  }
  const want = st.desiredNumberScheduled;
  const updated = st.updatedNumberScheduled ?? 0;
  const available = st.numberAvailable ?? 0;
  if (updated < want) {
    return { ...base, done: false, detail: `${updated} out of ${want} new pods have been updated` };
  }
  if (available < want) {
    return { ...base, done: false, detail: `${available} of ${want} updated pods are available` };
  }
  return { ...base, done: true, detail: `${available}/${want} available` };
}
