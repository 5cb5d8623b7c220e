import { readDashboards } from '../../platform/observability/index.js';
import type { ChartDashboard } from '../api.js';
import { toChartDashboard } from './map.js';

/**
 * Every dashboard of a directory (default: the repository's platform/observability/dashboards)
 * as chart models, sorted by file name. A file that is not valid JSON or lacks a uid throws:
 * the repository's unit tests keep every dashboard loadable.
 */
export function loadChartDashboards(dir?: string): ChartDashboard[] {
  return readDashboards(dir).map((d) => toChartDashboard(JSON.parse(d.text), `${d.name}.json`));
}
