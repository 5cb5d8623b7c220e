/**
 * Trino on the local target: configuration files for each node, the command that runs one, a
 * client for its REST protocol and the output of `lakehouse sql`. Installation lives in
 * `../install` (`ensureJavaRuntime`, `ensureTrinoServer`, `ensureTrinoCli`).
 */
export {
  coordinatorAccessRules,
  isSecretFile,
  parseHeapMb,
  renderTrinoNode,
  trinoTmpDir,
  writeTrinoFiles,
  type TrinoCatalog,
  type TrinoFiles,
  type TrinoNodeOptions,
  type TrinoS3,
} from './config.js';
export { trinoLaunch, type TrinoLaunch, type TrinoLaunchOptions } from './launch.js';
export * from '../../../platform/trino/index.js';
export { trinoCliCommand, type TrinoCliOptions } from './cli.js';
export {
  renderCsv,
  renderJson,
  renderResult,
  renderTable,
  type SqlOutputFormat,
} from './render.js';
