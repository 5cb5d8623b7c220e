import { join } from 'node:path';
import { repoRoot } from '../paths.js';

/**
 * `platform/observability/` of the repository: alert rules, their promtool tests and the Grafana
 * dashboards, shared by the local target and the Kubernetes charts.
 */
export function observabilityDir(root: string = repoRoot): string {
  return join(root, 'platform', 'observability');
}

export const alertRulesDir = (root?: string): string => join(observabilityDir(root), 'rules');
export const alertTestsDir = (root?: string): string => join(observabilityDir(root), 'tests');
export const dashboardsDir = (root?: string): string => join(observabilityDir(root), 'dashboards');
