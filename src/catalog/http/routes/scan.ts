import type { FastifyInstance } from 'fastify';
import type { ScanService } from '../../scan/index.js';
import { decodeNamespace } from '../params.js';
import { warehouseOf, type Params, type RouteDeps } from '../context.js';

function tableId(params: Params) {
  return { namespace: decodeNamespace(params['namespace']), name: params['table'] ?? '' };
}

/** Server-side scan planning: planTableScan, fetchPlanningResult, cancelPlanning, fetchScanTasks. */
export function scanRoutes(app: FastifyInstance, deps: RouteDeps, scans: ScanService): void {
  app.post('/namespaces/:namespace/tables/:table/plan', async (req) => {
    const params = req.params as Params;
    return scans.planTableScan(warehouseOf(deps, req).name, tableId(params), req.body);
  });

  app.get('/namespaces/:namespace/tables/:table/plan/:planId', async (req) => {
    const params = req.params as Params;
    return scans.fetchPlanningResult(
      warehouseOf(deps, req).name,
      tableId(params),
      params['planId'] ?? '',
    );
  });

  app.delete('/namespaces/:namespace/tables/:table/plan/:planId', async (req, reply) => {
    const params = req.params as Params;
    await scans.cancelPlanning(
      warehouseOf(deps, req).name,
      tableId(params),
      params['planId'] ?? '',
    );
    return reply.code(204).send();
  });

  app.post('/namespaces/:namespace/tables/:table/tasks', async (req) => {
    const params = req.params as Params;
    return scans.fetchScanTasks(warehouseOf(deps, req).name, tableId(params), req.body);
  });
}
