import { join } from 'node:path';

/** Where the supervisor keeps its files under the state directory. */
export interface SupervisorPaths {
  runDir: string;
  logsDir: string;
  /** Desired process specs, written by the client, read by the supervisor on start and apply. */
  desired: string;
  socket: string;
  pidFile: string;
  /** The supervisor's own single-instance lock. */
  lockName: string;
  /** Last known statuses, with what is needed to find leftover processes after a crash. */
  statusFile: string;
  /** Port of the metrics endpoint and the alerts file (MetricsSettings), written by the client. */
  metricsSettings: string;
  supervisorLog: string;
  processLog(name: string): string;
}

export function supervisorPaths(stateDir: string): SupervisorPaths {
  const runDir = join(stateDir, 'run');
  const logsDir = join(stateDir, 'logs');
  return {
    runDir,
    logsDir,
    desired: join(runDir, 'desired.json'),
    socket: join(runDir, 'supervisor.sock'),
    pidFile: join(runDir, 'supervisor.pid'),
    lockName: 'supervisor',
    statusFile: join(runDir, 'status.json'),
    metricsSettings: join(runDir, 'metrics.json'),
    supervisorLog: join(logsDir, 'supervisor.log'),
    processLog: (name) => join(logsDir, `${name}.log`),
  };
}
