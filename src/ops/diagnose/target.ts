import type { Evidence } from './evidence.js';

/**
 * What a target must offer for `diagnose`: one read-only sweep that gathers the evidence. The local
 * target asks its supervisor, /proc and the components' endpoints; the Kubernetes target reads
 * pods, events, Services and ArgoCD Applications. It must not change anything, and it must work
 * while the platform is down (then it reports what it can see: nothing runs, who holds the ports,
 * what is not installed; on a cluster: that the namespace does not exist).
 */
export interface DiagnoseTarget {
  /**
   * The evidence of the whole platform, or of `component` (a component or process name) only: a
   * target may then skip the probes of other components.
   */
  collectEvidence(component?: string): Promise<Evidence>;
}
