/**
 * The Lakehouse console: a fastify server for the page's API (src/console/api.ts) and the built
 * page (console/web). Every credential stays in this process.
 */
export type * from './api.js';
export {
  isLoopback,
  startConsole,
  webDistDir,
  type RunningConsole,
  type StartConsoleOptions,
} from './start.js';
