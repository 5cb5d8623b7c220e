/** Trino's REST protocol, for whatever runs it: the local target's processes or a cluster's pods. */
export {
  isWorkersSettling,
  queryWhileWorkersSettle,
  activeWorkers,
  isReady,
  TrinoClient,
  TrinoHttpError,
  TrinoQueryError,
  type TrinoClientOptions,
  type TrinoColumn,
  type QueryOptions,
  type TrinoInfo,
  type TrinoResult,
} from './client.js';
export { CONSOLE_TRINO_USER } from './users.js';
