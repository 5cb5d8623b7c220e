import type { FastifyInstance } from 'fastify';
import type { ConsolePipelines, ConsoleReleases } from '../api.js';
import { readPipelines, readRunDetail, type AirflowAccess } from './airflow.js';
import { checkRunIds } from './ids.js';

export interface ReleasesDeps {
  /** Each component's release history (the local release store). */
  releases: () => Promise<ConsoleReleases>;
  /** Airflow as it can be reached now, or why not. */
  airflow: () => Promise<AirflowAccess>;
}

/** GET /api/releases, /api/pipelines and /api/pipelines/:dagId/runs/:runId. */
export function registerReleaseRoutes(app: FastifyInstance, deps: ReleasesDeps): void {
  app.get('/api/releases', async (_request, reply): Promise<ConsoleReleases> => {
    reply.header('cache-control', 'no-store');
    return deps.releases();
  });

  app.get('/api/pipelines', async (_request, reply): Promise<ConsolePipelines> => {
    reply.header('cache-control', 'no-store');
    return readPipelines(deps.airflow);
  });

  app.get<{ Params: { dagId: string; runId: string } }>(
    '/api/pipelines/:dagId/runs/:runId',
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      const { dagId, runId } = request.params;
      const check = checkRunIds(dagId, runId);
      if (!check.ok) return reply.code(400).send({ error: check.error });
      const answer = await readRunDetail(deps.airflow, dagId, runId);
      return reply.code(answer.status).send(answer.body);
    },
  );
}
