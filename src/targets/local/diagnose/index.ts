/**
 * The local target's side of `diagnose`: evidence from the supervisor, /proc, the file systems,
 * the install cache and probes of the running components.
 */
export { LocalDiagnoseTarget, redactUrl, type LocalDiagnoseOptions } from './collect.js';
export {
  listeningSockets,
  meminfo,
  parseMeminfo,
  parseProcNetTcp,
  parseProcStat,
  procCommand,
  procStat,
  socketOwners,
  xmxBytes,
  type ProcStat,
  type TcpListener,
} from './proc.js';
export {
  DIAGNOSE_SOURCE,
  failureMessages,
  FAILED_QUERY_WINDOW_MINUTES,
  MINIO_PROBE_PREFIX,
} from './probes.js';
