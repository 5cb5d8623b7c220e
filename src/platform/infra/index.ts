/**
 * The model behind `lakehouse infra`: which environments infra/ provisions, the `tofu` commands
 * that do it, and how tofu's JSON output turns into problems and plan summaries. Pure; the
 * runner is src/targets/kubernetes/infra.
 */
export { infraEnv, infraEnvRefusal, tfvarsFile, type InfraEnv, type InfraEnvFacts } from './env.js';
export {
  CHECKS_DIR,
  declaredVariables,
  describeChanges,
  hasChanges,
  INFRA_DIR,
  MIN_TOFU,
  parseDiagnostics,
  planChangeSummary,
  PROVIDER_MIRROR_HELP,
  providerInstallFailure,
  tfvarsProblems,
  tofuArgs,
  tofuNewEnough,
  tofuVersion,
  type ChangeSummary,
  type Output,
  type TofuDiagnostic,
} from './tofu.js';
