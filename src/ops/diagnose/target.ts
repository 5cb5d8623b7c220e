import type { Evidence } from './evidence.js';

/**
 * What a target must offer for `diagnose`: one read-only sweep that gathers the evidence. The local
 * target asks its supervisor, /proc and the components' endpoints; a Kubernetes target will read
 * pods, events and the same endpoints through port-forwards. It must not change anything, and it
 * must work while the platform is down (then it reports what it can see: nothing runs, who holds
 * the ports, what is not installed).
 */
export interface DiagnoseTarget {
  /**
   * The evidence of the whole platform, or of `component` (a component or process name) only: a
   * target may then skip the probes of other components.
   */
  collectEvidence(component?: string): Promise<Evidence>;
}
