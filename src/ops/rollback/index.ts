/** `lakehouse rollback` (incl. --emergency) and `lakehouse resume`. */
export {
  planRollback,
  resumeComponent,
  runRollback,
  type RollbackOptions,
  type RollbackPlan,
  type RollbackResult,
} from './rollback.js';
