import { Option, type Command } from 'commander';
import { loadValues } from '../platform/config/index.js';
import type { DiagnoseTarget } from '../ops/index.js';
import { stateDir } from '../platform/paths.js';
import { ExitError } from './errors.js';
import { createProgress } from './progress.js';
import { type EnvFlags, withEnvOptions } from './options.js';

/**
 * `diagnose` (the runbook's troubleshooting tables and decision tree) and `restart` (the fix of
 * many of its findings).
 */
export function registerDiagnoseCommands(program: Command): void {
  withEnvOptions(
    program
      .command('diagnose [component]')
      .description(
        'Check the platform for known failure signatures (crash loops, missing installs, held ports, memory, disk, unreachable services, Trino catalog/S3/memory errors, MinIO writes, the catalog database) and print each finding with its evidence, likely cause and fix. Exit code 0: nothing critical; 1: something critical.',
      ),
  )
    .addOption(
      new Option('-o, --output <format>', 'output format')
        .choices(['text', 'json'])
        .default('text'),
    )
    .action(async (component: string | undefined, flags: EnvFlags & { output: string }) => {
      const values = await loadValues({ env: flags.env, files: flags.values });
      const { runDiagnose, renderFindings } = await import('../ops/diagnose/index.js');
      let target: DiagnoseTarget;
      if (values.global.target === 'kubernetes') {
        const { connectCluster } = await import('../targets/kubernetes/cluster/index.js');
        const { KubernetesDiagnoseTarget } =
          await import('../targets/kubernetes/diagnose/index.js');
        const { ReleaseStore } = await import('../targets/kubernetes/releases/index.js');
        const { KubernetesSecrets } = await import('../targets/kubernetes/secrets/index.js');
        const connection = connectCluster({
          ...(flags.kubeconfig ? { kubeconfig: flags.kubeconfig } : {}),
          ...(flags.kubeContext ? { context: flags.kubeContext } : {}),
        });
        const namespace = values.global.namespace;
        const secrets = new KubernetesSecrets({
          connection,
          namespace,
          store: new ReleaseStore(connection, namespace),
          values,
          verify: values.global.verify,
        });
        target = new KubernetesDiagnoseTarget({
          connection,
          namespace,
          env: flags.env,
          values,
          unfinishedRotation: () => secrets.unfinishedRotation(),
        });
      } else {
        const { LocalDiagnoseTarget } = await import('../targets/local/diagnose/index.js');
        target = new LocalDiagnoseTarget({ stateDir: stateDir(), env: flags.env, values });
      }
      const result = await runDiagnose(target, component ? { component } : {});
      if (flags.output === 'json') {
        const { findings, exitCode } = result;
        process.stdout.write(`${JSON.stringify({ findings, exitCode }, null, 2)}\n`);
      } else {
        process.stdout.write(renderFindings(result.findings, component));
      }
      if (result.exitCode !== 0) throw new ExitError(result.exitCode);
    });

  withEnvOptions(
    program
      .command('restart <target>')
      .description(
        "Rewrite a component's configuration from its deployed release (the environment's values where none) and restart its processes (or one process, e.g. trino-worker-1), then wait until they are healthy",
      ),
  ).action(async (target: string, flags: EnvFlags) => {
    const { restartLocal } = await import('../targets/local/platform/index.js');
    const result = await restartLocal({
      env: flags.env,
      valuesFiles: flags.values,
      stateDir: stateDir(),
      target,
      progress: createProgress(process.stderr),
    });
    process.stdout.write(`✔ restarted ${result.restarted.join(', ')}: healthy\n`);
  });
}
