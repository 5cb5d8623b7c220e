import type { Command } from 'commander';
import { createInterface } from 'node:readline/promises';
import { UserError } from '../lib/index.js';
import { isComponent, recordSync, type Component } from '../ops/index.js';
import { loadValues } from '../platform/config/index.js';
import { repoRoot } from '../platform/paths.js';
import type { KubernetesReleaseTarget } from '../targets/kubernetes/releases/index.js';
import { ExitError } from './errors.js';
import { type EnvFlags, withEnvOptions } from './options.js';
import { createProgress } from './progress.js';
import { kubernetesTarget } from './targets.js';

/** The environment's Kubernetes target; refuses a local environment with what to run instead. */
export async function requireKubernetes(
  flags: EnvFlags,
  command: string,
): Promise<KubernetesReleaseTarget> {
  const values = await loadValues({ env: flags.env, files: flags.values });
  if (values.global.target !== 'kubernetes') {
    throw new UserError(
      `environment "${flags.env}" runs on this machine, not on Kubernetes: \`lakehouse ${command}\` is for dev, staging, prod`,
      'bring a local environment up with `lakehouse up` (or ./scripts/bootstrap.sh local)',
    );
  }
  return kubernetesTarget(flags, values);
}

function componentArg(name: string): Component {
  if (!isComponent(name)) {
    throw new UserError(
      `unknown component "${name}"`,
      'components: observability, minio, iceberg-catalog, trino, airflow',
    );
  }
  return name;
}

/** Runs a change to the cluster under the environment's Lease (one lakehouse command at a time). */
async function withLease<T>(
  target: KubernetesReleaseTarget,
  command: string,
  work: () => Promise<T>,
): Promise<T> {
  const { withOperationLease } = await import('../targets/kubernetes/cluster/index.js');
  return withOperationLease(target.opts.connection, target.namespace, command, work);
}

/** y/N on a terminal, --yes without one; refuses silently-consenting scripts. */
export async function confirm(question: string, yes: boolean | undefined): Promise<void> {
  const { confirmationDecision, isYes } = await import('../ops/cleanup/index.js');
  const decision = confirmationDecision({
    yes: yes ?? false,
    interactive: process.stdin.isTTY === true && process.stderr.isTTY === true,
  });
  if (decision.action === 'refuse') {
    throw new UserError(
      `needs confirmation: ${decision.reason}; nothing was changed`,
      'pass --yes to confirm',
    );
  }
  if (decision.action === 'ask') {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    const answer = await rl.question(`${question} [y/N] `);
    rl.close();
    if (!isYes(answer)) throw new UserError('nothing was changed', 'run again and answer y');
  }
}

/** `bootstrap`, `deploy` and `sync`: the runbook's Kubernetes deployment procedures. */
export function registerKubernetesCommands(program: Command): void {
  program
    .command('bootstrap <env>')
    .description(
      'Deploy an environment to Kubernetes the runbook’s way: prerequisites, infrastructure, ArgoCD, Applications synced, platform verified (a local env comes up with `lakehouse up`)',
    )
    .option('--check-only', 'check the prerequisites and stop')
    .option('--existing-cluster', 'the cluster KUBECONFIG points at exists: skip infra/')
    .option('-y, --yes', 'do not ask before provisioning infrastructure')
    .option('--kubeconfig <file>', 'the kubeconfig (default $KUBECONFIG)')
    .option('--kube-context <name>', 'the kubeconfig context to use')
    .option(
      '-f, --values <file>',
      'extra values file (repeatable)',
      (v: string, p: string[]) => [...p, v],
      [],
    )
    .action(
      async (
        env: string,
        flags: Omit<EnvFlags, 'env'> & {
          checkOnly?: boolean;
          existingCluster?: boolean;
          yes?: boolean;
        },
      ) => {
        const envFlags: EnvFlags = { ...flags, env };
        const target = await requireKubernetes(envFlags, 'bootstrap');
        const { bootstrap, hasInfrastructure } =
          await import('../targets/kubernetes/bootstrap/index.js');
        const { ensureClientTools } = await import('../targets/kubernetes/tools/index.js');
        const { findTofu } = await import('../targets/kubernetes/infra/index.js');
        const { cacheRoot } = await import('../platform/install/index.js');
        const tools = await ensureClientTools();
        const infra = !flags.existingCluster && hasInfrastructure(repoRoot, env);
        const progress = createProgress(process.stderr);
        const started = Date.now();
        const result = await bootstrap(
          {
            target,
            tools: {
              kubectl: tools.kubectl,
              helm: tools.helm,
              ...(infra ? { infra: await findTofu(progress, cacheRoot()) } : {}),
            },
            checkOnly: flags.checkOnly ?? false,
            ...(infra
              ? {
                  provisionInfrastructure: async (p) => {
                    const { applyInfra } = await import('../targets/kubernetes/infra/index.js');
                    const r = await applyInfra({
                      env,
                      root: repoRoot,
                      progress: p,
                      write: (text) => process.stderr.write(text),
                      confirm: async () => {
                        await confirm(`Apply this plan to provision ${env}?`, flags.yes);
                        return true;
                      },
                    });
                    return r.applied
                      ? `infra/ applied with env/${env}/terraform.tfvars`
                      : `infra/ for ${env} is up to date`;
                  },
                }
              : {}),
          },
          progress,
        );
        if (!result.ok) throw new ExitError(1);
        process.stdout.write(
          flags.checkOnly
            ? '✓ Prerequisites checked (--check-only: nothing changed)\n'
            : `✓ ${env} bootstrapped in ${Math.round((Date.now() - started) / 1000)} s\n`,
        );
      },
    );

  withEnvOptions(
    program
      .command('deploy <component>')
      .description(
        'The runbook’s component install without ArgoCD: helm upgrade --install platform/<component> with the env’s values, --wait',
      ),
  ).action(async (name: string, flags: EnvFlags) => {
    const c = componentArg(name);
    const target = await requireKubernetes(flags, 'deploy');
    const spec = target.desired(c);
    const step = createProgress(process.stderr).step(
      `helm upgrade --install ${c} platform/${c} --wait`,
    );
    await target.opts.helm.upgradeInstall({
      release: c,
      chart: target.chartOf(c),
      namespace: target.namespace,
      values: await target.valuesFor(c, spec),
      description: `lakehouse deploy: ${spec.version}`,
      wait: true,
      timeoutSeconds: Math.round(target.healthTimeoutMs(c) / 1000),
    });
    step.done('deployed');
    const v = await target.verify(c, spec);
    if (!v.ok)
      throw new UserError(
        `${c} is deployed but failed its verification: ${v.detail}`,
        `\`lakehouse diagnose ${c} --env ${flags.env}\``,
      );
    if ((await target.history(c)).length === 0) {
      const { installRelease } = await import('../ops/index.js');
      const now = new Date().toISOString();
      await target.writeHistory(c, [
        {
          ...installRelease(c, target.opts.envValues, now, now),
          description: 'install by lakehouse deploy',
        },
      ]);
    }
    process.stdout.write(`✔ ${c} deployed; verified: ${v.detail}\n`);
  });

  withEnvOptions(
    program
      .command('sync [component]')
      .description(
        'ArgoCD sync (the runbook’s `argocd app sync`): apply what git says for one component or all, and wait until Synced, Healthy and rolled out',
      ),
  ).action(async (name: string | undefined, flags: EnvFlags) => {
    const target = await requireKubernetes(flags, 'sync');
    const components = name ? [componentArg(name)] : target.components();
    const progress = createProgress(process.stderr);
    const { repoURL, targetRevision } = target.opts.envValues.argocd;
    // What git says now: the sync waits for the Application to reach this commit.
    const head = await target.checkout.remoteHead(repoURL, targetRevision);
    await withLease(target, 'sync', async () => {
      for (const c of components) {
        const app = await target.applications.get(c);
        if (!app) {
          throw new UserError(
            `there is no ArgoCD Application ${c}`,
            `\`lakehouse bootstrap ${flags.env}\` creates them; without ArgoCD use \`lakehouse deploy ${c}\``,
          );
        }
        const step = progress.step(`${c}: ArgoCD sync`);
        await target.syncAndWait(c, head, (d) => step.update(d), target.healthTimeoutMs(c));
        await target.waitHealthy(c, target.healthTimeoutMs(c), (d) => step.update(d));
        const after = await target.applications.get(c);
        const sha = after?.status?.sync?.revision ?? '';
        const synced = recordSync(
          await target.history(c),
          c,
          target.desired(c),
          new Date().toISOString(),
          `ArgoCD sync to ${sha.slice(0, 12)}`,
        );
        if (synced) await target.writeHistory(c, synced.history);
        step.done(
          `Synced, Healthy at ${sha.slice(0, 12) || '?'}${synced ? `; recorded as revision ${synced.revision}` : ''}`,
        );
      }
    });
  });
}

/** `rollback --git <commit>`: the runbook's Git rollback — revert, push, sync what it touched. */
export async function gitRollback(flags: EnvFlags, commit: string): Promise<void> {
  const target = await requireKubernetes(flags, 'rollback --git');
  const progress = createProgress(process.stderr);
  await withLease(target, 'rollback --git', async () => {
    const revert = progress.step(`git revert ${commit}`);
    const sha = await target.checkout.revertAndPush(commit);
    revert.done(`pushed ${sha.slice(0, 12)}`);
    for (const c of target.components()) {
      if (!(await target.applications.get(c))) continue;
      const step = progress.step(`${c}: ArgoCD sync to ${sha.slice(0, 12)}`);
      await target.syncAndWait(c, sha, (d) => step.update(d), target.healthTimeoutMs(c));
      step.done('Synced, Healthy');
    }
    process.stdout.write(
      `✔ reverted ${commit.slice(0, 12)} in git (${sha.slice(0, 12)}); ArgoCD synced every Application\n`,
    );
  });
}

/** `lakehouse status` on Kubernetes: pods, helm revision, ArgoCD sync/health, paused. */
export async function printKubernetesStatus(flags: EnvFlags, output: string): Promise<void> {
  const target = await requireKubernetes(flags, 'status');
  const { kubernetesStatus } = await import('../targets/kubernetes/releases/index.js');
  const status = await kubernetesStatus(target);
  if (output === 'json') {
    process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
    return;
  }
  const { renderTable } = await import('../targets/local/trino/index.js');
  const table = (names: string[], rows: string[][]): string =>
    renderTable({ columns: names.map((name) => ({ name, type: 'varchar' })), rows }).replace(
      /\(\d+ rows?\)\n$/,
      '',
    );
  process.stdout.write(
    table(
      ['component', 'revision', 'version', 'helm', 'argocd', 'pods ready'],
      status.map((s) => [
        s.component,
        s.revision === undefined ? '-' : String(s.revision),
        s.version ?? '-',
        s.helm ? `${s.helm.revision} (${s.helm.status})` : '-',
        s.application
          ? `${s.application.sync}/${s.application.health}${s.application.paused ? ' PAUSED' : s.application.automated ? '' : ' (manual sync)'}`
          : '-',
        `${s.pods.filter((p) => p.ready.split('/')[0] === p.ready.split('/')[1]).length}/${s.pods.length}`,
      ]),
    ),
  );
  process.stdout.write(
    `\n${table(
      ['pod', 'component', 'phase', 'ready', 'restarts', 'waiting', 'last termination'],
      status.flatMap((s) =>
        s.pods.map((p) => [
          p.name,
          s.component,
          p.phase,
          p.ready,
          String(p.restarts),
          p.waiting ?? '-',
          p.lastTermination ?? '-',
        ]),
      ),
    )}`,
  );
  for (const s of status) {
    if (s.application?.paused) {
      process.stdout.write(
        `⏸ ${s.component}: ArgoCD auto-sync PAUSED (lakehouse rollback/upgrade kept git from reverting it) — \`lakehouse resume ${s.component} --env ${flags.env}\` switches it back on\n`,
      );
    }
  }
}

/** `lakehouse logs <component>` on Kubernetes: the pods of the component, by label. */
export async function printKubernetesLogs(
  flags: EnvFlags,
  name: string,
  tail: number,
  follow: boolean,
): Promise<void> {
  const target = await requireKubernetes(flags, 'logs');
  const { instanceSelector } = await import('../targets/kubernetes/cluster/index.js');
  const c = target.opts.connection;
  const component = name === 'catalog' ? 'iceberg-catalog' : name;
  const selector = isComponent(component) ? instanceSelector(component) : undefined;
  const pods = selector
    ? (await c.core.listNamespacedPod({ namespace: target.namespace, labelSelector: selector }))
        .items
    : (await c.core.listNamespacedPod({ namespace: target.namespace })).items.filter(
        (p) => p.metadata?.name === name,
      );
  if (pods.length === 0) {
    throw new UserError(
      `no pods of "${name}" in namespace ${target.namespace}`,
      'give a component (minio, iceberg-catalog, trino, airflow, observability) or a pod name from `lakehouse status`',
    );
  }
  const { Log } = await import('@kubernetes/client-node');
  const { PassThrough } = await import('node:stream');
  const streams: Promise<unknown>[] = [];
  for (const pod of pods) {
    const podName = pod.metadata?.name ?? '';
    for (const container of pod.spec?.containers ?? []) {
      const prefix = `[${podName}/${container.name}] `;
      const out = new PassThrough();
      let partial = '';
      out.on('data', (chunk: Buffer) => {
        const lines = (partial + chunk.toString('utf8')).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) process.stdout.write(`${prefix}${line}\n`);
      });
      const done = new Promise<void>((resolve) => out.on('end', () => resolve()));
      try {
        await new Log(c.kubeConfig).log(target.namespace, podName, container.name, out, {
          follow,
          tailLines: tail,
        });
        streams.push(done);
      } catch (err) {
        const { errorText } = await import('../targets/kubernetes/cluster/index.js');
        process.stdout.write(`${prefix}(no log: ${errorText(err)})\n`);
      }
    }
  }
  await Promise.all(streams);
}

/** `cleanup --env <k8s env>`: shows what bootstrap made, asks, removes it. */
export async function cleanupKubernetes(
  flags: EnvFlags & { yes?: boolean; dryRun?: boolean },
): Promise<void> {
  const target = await requireKubernetes(flags, 'cleanup');
  const { planKubernetesCleanup, runKubernetesCleanup } =
    await import('../targets/kubernetes/bootstrap/index.js');
  const plan = await planKubernetesCleanup(target);
  const lines = [
    ...plan.applications.map((a) => `  delete ArgoCD Application ${a} (and what it deployed)`),
    ...plan.releases.map((r) => `  uninstall helm release ${r}`),
    ...(plan.argocd ? ['  delete ArgoCD (its manifest, CRDs and cluster roles)'] : []),
    ...plan.namespaces.map((n) => `  delete namespace ${n} (volumes' claims included)`),
  ];
  const where = `${target.opts.connection.server} (context ${target.opts.connection.context})`;
  if (lines.length === 0) {
    process.stdout.write(`ℹ nothing to clean up in ${where}\n`);
    return;
  }
  process.stderr.write(
    `lakehouse cleanup of ${flags.env} in ${where} will:\n${lines.join('\n')}\n`,
  );
  if (flags.dryRun) {
    process.stdout.write('Nothing was deleted (--dry-run).\n');
    return;
  }
  await confirm('Delete all of this?', flags.yes);
  const { ensureClientTools } = await import('../targets/kubernetes/tools/index.js');
  const { kubectl } = await ensureClientTools();
  await runKubernetesCleanup(target, kubectl, createProgress(process.stderr));
  process.stdout.write(`✔ ${flags.env} removed from ${where}\n`);
}

/** `rollback <component> --undo`: the runbook's `kubectl rollout undo`, kept from ArgoCD. */
export async function rolloutUndo(flags: EnvFlags, component: Component): Promise<void> {
  const target = await requireKubernetes(flags, 'rollback --undo');
  const { ensureClientTools } = await import('../targets/kubernetes/tools/index.js');
  const { kubectl } = await ensureClientTools();
  const progress = createProgress(process.stderr);
  await withLease(target, 'rollback --undo', async () => {
    const step = progress.step(`${component}: kubectl rollout undo`);
    const said = await target.rolloutUndo(component, kubectl);
    step.done(said.join('; '));
    const wait = progress.step(`${component}: rolled out`);
    await target.waitHealthy(component, target.healthTimeoutMs(component), (d) => wait.update(d));
    wait.done('healthy');
  });
  process.stdout.write(
    `✔ ${component}: every workload is back on its previous pod template (outside helm and git)\n` +
      `⏸ ${component}: ArgoCD auto-sync PAUSED so it does not put git's template back — fix git, then \`lakehouse resume ${component} --env ${flags.env}\`\n`,
  );
}
