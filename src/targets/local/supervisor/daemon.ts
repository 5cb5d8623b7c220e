/**
 * The body of the detached supervisor process (`lakehouse supervisor run --state-dir <dir>`):
 * one per state directory, it outlives the CLI and keeps the desired processes running until
 * it is told to shut down.
 */
import { mkdirSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import type { Server } from 'node:http';
import { pino, type Logger } from 'pino';
import type { ProcessStatus } from '../process-spec.js';
import { type ProcessAction, createControlServer } from './control-server.js';
import { readDesiredSpecs } from './desired.js';
import { acquireLock } from './lock.js';
import { MetricsEndpoint, readMetricsSettings } from './metrics.js';
import { killOrphans } from './orphans.js';
import { supervisorPaths } from './paths.js';
import { settingsFromEnv, type SupervisorSettings } from './settings.js';
import { readStatusFile, writeStatusFile } from './status-file.js';
import { Supervisor } from './supervisor.js';

export interface RunSupervisorOptions {
  stateDir: string;
  settings?: SupervisorSettings;
  logger?: Logger;
}

/** Unix socket paths are limited to 107 bytes on Linux (103 on macOS). */
const MAX_SOCKET_PATH = 103;

/** Runs until shutdown (control API or SIGTERM/SIGINT); resolves once everything is stopped. */
export async function runSupervisor(options: RunSupervisorOptions): Promise<void> {
  const paths = supervisorPaths(options.stateDir);
  const settings = options.settings ?? settingsFromEnv();
  const logger = options.logger ?? pino({ base: { pid: process.pid }, name: 'supervisor' });
  if (Buffer.byteLength(paths.socket) > MAX_SOCKET_PATH) {
    throw new Error(
      `the state directory path is too long for a Unix socket (${paths.socket}); use a shorter LAKEHOUSE_HOME`,
    );
  }
  mkdirSync(paths.runDir, { recursive: true, mode: 0o700 });
  mkdirSync(paths.logsDir, { recursive: true, mode: 0o700 });

  // One supervisor per state directory; a second one leaves quietly through the error.
  const lock = acquireLock(options.stateDir, paths.lockName, {
    command: 'lakehouse supervisor',
    busyMessage: `a supervisor already runs for ${options.stateDir}`,
  });
  writeFileSync(paths.pidFile, `${process.pid}\n`, { mode: 0o600 });
  logger.info({ stateDir: options.stateDir }, 'supervisor starting');

  const previous = readStatusFile(paths.statusFile);
  if (previous && previous.records.length > 0) {
    const killed = await killOrphans(previous.records, logger);
    if (killed.length > 0) logger.warn({ processes: killed }, 'stopped leftover processes');
  }

  let dirty = true;
  const supervisor = new Supervisor(paths, settings, logger, () => (dirty = true));
  const persist = (): void => {
    if (!dirty) return;
    dirty = false;
    try {
      writeStatusFile(paths.statusFile, {
        supervisorPid: process.pid,
        updatedAt: Date.now(),
        processes: supervisor.status(),
        records: supervisor.records(),
      });
    } catch (err) {
      logger.error({ err: (err as Error).message }, 'could not write the status file');
    }
  };

  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  let stopping: Promise<string[]> | null = null;
  const shutdown = (): Promise<string[]> => {
    stopping ??= (async () => {
      logger.info('shutting down: stopping all processes');
      const names = await supervisor.shutdown();
      persist();
      logger.info({ processes: names }, 'all processes stopped');
      return names;
    })();
    return stopping;
  };

  const metrics = new MetricsEndpoint(() => supervisor.status(), {
    info: (msg) => logger.info(msg),
    error: (msg) => logger.error(msg),
  });
  const reconcileMetrics = (): Promise<void> =>
    metrics.reconcile(readMetricsSettings(options.stateDir));

  const server = createControlServer({
    status: () => supervisor.status(),
    info: () => ({ pid: process.pid, metricsPort: metrics.listeningPort }),
    apply: async () => {
      await reconcileMetrics();
      return supervisor.apply(readDesiredSpecs(options.stateDir));
    },
    processAction: (name, action) => processAction(supervisor, name, action),
    shutdown,
    afterShutdown: () => finish(),
  });
  rmSync(paths.socket, { force: true }); // a dead predecessor's; we hold the lock
  await listen(server, paths.socket);
  chmodSync(paths.socket, 0o600);

  const onSignal = (signal: NodeJS.Signals): void => {
    logger.info({ signal }, 'signal received');
    void shutdown().then(() => finish());
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  // The CLI's terminal may go away; that is no reason to stop the platform.
  const onHup = (): void => logger.info('SIGHUP ignored');
  process.on('SIGHUP', onHup);

  const tickMs = Math.min(200, settings.healthIntervalMs);
  const timer = setInterval(() => {
    supervisor.tick();
    persist();
  }, tickMs);

  await reconcileMetrics();
  try {
    await supervisor.apply(readDesiredSpecs(options.stateDir));
  } catch (err) {
    // Keep serving: the client's next apply gets the error and can fix desired.json.
    logger.error({ err: (err as Error).message }, 'desired processes not applied');
  }
  logger.info({ socket: paths.socket }, 'supervisor ready');

  await finished;
  clearInterval(timer);
  process.off('SIGTERM', onSignal);
  process.off('SIGINT', onSignal);
  process.off('SIGHUP', onHup);
  await metrics.close();
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
  rmSync(paths.socket, { force: true });
  rmSync(paths.pidFile, { force: true });
  lock.release();
  logger.info('supervisor stopped');
}

async function processAction(
  supervisor: Supervisor,
  name: string,
  action: ProcessAction,
): Promise<ProcessStatus> {
  const proc = supervisor.get(name);
  switch (action) {
    case 'start':
      await proc.start();
      break;
    case 'stop':
      await proc.stop();
      break;
    case 'restart':
      await proc.restart();
      break;
    case 'pause':
      proc.pause();
      break;
    case 'resume':
      await supervisor.resume(name);
      break;
    case 'replace':
      await supervisor.replace(name);
      break;
  }
  // The same object even when resume removed it from the set: report its final status.
  return proc.status();
}

function listen(server: Server, socket: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(socket, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
