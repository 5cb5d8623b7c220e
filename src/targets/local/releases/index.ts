/** Release history and the ReleaseTarget of the local platform. */
export { LocalReleaseTarget, type LocalReleaseTargetOptions } from './target.js';
export {
  deployedValues,
  historyFile,
  readAllHistories,
  readHistory,
  readPaused,
  releasesDir,
  writeHistory,
  writePaused,
} from './store.js';
export { verifyComponent } from './verify.js';
