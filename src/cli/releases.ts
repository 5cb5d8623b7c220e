import { InvalidArgumentError, type Command } from 'commander';
import { LOCAL_MAX_TRINO_WORKERS } from '../platform/config/index.js';
import { stateDir } from '../platform/paths.js';
import {
  COMPONENTS,
  isComponent,
  ReleaseError,
  renderPlan,
  type Component,
  type Release,
  type ReleaseAttempt,
  type ReleaseTarget,
} from '../ops/index.js';
import type { Progress } from '../lib/index.js';
import { UserError } from '../lib/index.js';
import { ExitError } from './errors.js';
import { createProgress } from './progress.js';
import { type EnvFlags, withEnvOptions, outputOption } from './options.js';
import { mutate, releaseTarget, type AnyReleaseTarget } from './targets.js';

/** Trino workers a Kubernetes environment may ask for (the local target fits far fewer). */
const KUBERNETES_MAX_TRINO_WORKERS = 200;
const maxWorkers = (t: AnyReleaseTarget): number =>
  t.kind === 'local' ? LOCAL_MAX_TRINO_WORKERS : KUBERNETES_MAX_TRINO_WORKERS;

function wholeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('a whole number');
  return n;
}

function component(name: string): Component {
  if (!isComponent(name)) {
    throw new UserError(`unknown component "${name}"`, `components: ${COMPONENTS.join(', ')}`);
  }
  return name;
}

/** Mutations need the running platform and must not race `up` or each other. */
export async function withPlatformLock<T>(command: string, work: () => Promise<T>): Promise<T> {
  const { acquireLock, SupervisorClient, SupervisorUnavailableError } =
    await import('../targets/local/supervisor/index.js');
  try {
    await SupervisorClient.forStateDir(stateDir()).ping();
  } catch (err) {
    if (err instanceof SupervisorUnavailableError) {
      throw new UserError('the platform is not running', 'start it with `lakehouse up`');
    }
    throw err;
  }
  const lock = acquireLock(stateDir(), 'up', {
    command: `lakehouse ${command}`,
    busyMessage: 'another lakehouse up, upgrade, rollback, scale or secrets rotate is running',
  });
  try {
    return await work();
  } catch (err) {
    if (err instanceof ReleaseError) throw new UserError(err.message, err.help);
    throw err;
  } finally {
    lock.release();
  }
}

const rethrow = (err: unknown): never => {
  if (err instanceof ReleaseError) throw new UserError(err.message, err.help);
  throw err;
};

const shortDigest = (d: string): string => d.replace(/^sha256:/, '').slice(0, 12);
const when = (iso: string): string => iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');

async function table(header: string[], rows: string[][]): Promise<string> {
  const { renderTable } = await import('../targets/local/trino/index.js');
  return renderTable({
    columns: header.map((name) => ({ name, type: 'varchar' })),
    rows,
  }).replace(/\(\d+ rows?\)\n$/, '');
}

export async function renderHistory(history: readonly Release[]): Promise<string> {
  return table(
    ['REVISION', 'UPDATED', 'STATUS', 'VERSION', 'DIGEST', 'ACTION', 'DESCRIPTION'],
    history.map((r) => [
      String(r.revision),
      when(r.finishedAt),
      r.status,
      r.version,
      shortDigest(r.configDigest),
      r.action + (r.replicas !== undefined && r.action === 'scale' ? ` (${r.replicas})` : ''),
      r.description,
    ]),
  );
}

/** The lines that explain a failed release: reason, the rollback, the failing process's log. */
function failureLines(component: Component, a: ReleaseAttempt & { rollback?: ReleaseAttempt }) {
  const out: string[] = [];
  const f = a.failure;
  if (!f) return out;
  out.push(`✗ ${component} revision ${a.release.revision} failed: ${f.reason}`);
  if (f.nothingChanged) out.push('ℹ nothing was changed: the previous revision still runs');
  if (a.rollback) {
    const r = a.rollback;
    out.push(
      r.failure
        ? `✗ the automatic rollback (revision ${r.release.revision}) failed too: ${r.failure.reason}`
        : `✔ rolled back automatically: revision ${r.release.revision} deployed, ${r.verified ?? 'verified'}`,
    );
  }
  out.push(`--- last lines of ${f.logTail.process}'s log ---`);
  out.push(f.logTail.text || '(empty)');
  out.push('---');
  out.push(`See \`lakehouse history ${component}\` and \`lakehouse logs ${f.logTail.process}\`.`);
  return out;
}

/** `history`, `upgrade`, `rollback`, `resume`, `scale`: releases of the platform's components. */
export function registerReleaseCommands(program: Command): void {
  withEnvOptions(
    program
      .command('history <component>')
      .description(`Revisions of a component, like helm history (${COMPONENTS.join(', ')})`),
  )
    .addOption(outputOption(['table', 'json'], 'table'))
    .action(async (name: string, flags: EnvFlags & { output: string }) => {
      const c = component(name);
      const { target } = await releaseTarget(flags);
      const history = await target.history(c);
      if (flags.output === 'json') {
        process.stdout.write(`${JSON.stringify(history, null, 2)}\n`);
        return;
      }
      if (history.length === 0) {
        process.stdout.write(
          `${c} has no releases yet (\`lakehouse up\`, or \`lakehouse bootstrap <env>\` on Kubernetes, installs revision 1)\n`,
        );
        return;
      }
      process.stdout.write(await renderHistory(history));
    });

  withEnvOptions(
    program
      .command('upgrade [components...]')
      .description(
        'Apply the environment’s values: plan, then per component in order install, restart, health, verify; roll back on failure',
      ),
  )
    .option('--dry-run', 'print the plan, change nothing')
    .addOption(outputOption(['text', 'json'], 'text'))
    .action(async (names: string[], flags: EnvFlags & { dryRun?: boolean; output: string }) => {
      const wanted = names.map(component);
      const t = await releaseTarget(flags);
      const { target } = t;
      const { planUpgrade, runUpgrade } = await import('../ops/index.js');
      const paused = await target.paused();
      for (const c of wanted) {
        if (paused.includes(c)) {
          throw new UserError(
            `${c} is paused (emergency rollback): upgrade leaves it alone`,
            `\`lakehouse resume ${c}\` first`,
          );
        }
      }
      const json = flags.output === 'json';
      const plans = await planUpgrade(target, wanted.length > 0 ? wanted : undefined).catch(
        rethrow,
      );
      if (!json)
        process.stdout.write(
          `Plan:\n${renderPlan(plans)
            .map((l) => `  ${l}`)
            .join('\n')}\n`,
        );
      const todo = plans.filter((p) => p.action === 'upgrade' || p.action === 'install');
      if (flags.dryRun && t.kind === 'kubernetes' && !json) {
        const { manifestDiff } = await import('../targets/kubernetes/releases/index.js');
        for (const p of todo)
          process.stdout.write(await manifestDiff(t.target, p.component, p.desired));
      }
      if (flags.dryRun || todo.length === 0) {
        if (json) process.stdout.write(`${JSON.stringify({ plans, applied: [] }, null, 2)}\n`);
        else
          process.stdout.write(flags.dryRun ? 'Dry run: nothing changed.\n' : 'Nothing to do.\n');
        return;
      }
      const progress: Progress = createProgress(process.stderr);
      const result = await mutate(t, 'upgrade', (target) =>
        runUpgrade(target, { components: todo.map((p) => p.component) }, progress),
      );
      if (json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      const out: string[] = [];
      for (const a of result.applied) {
        if (!a.failure) {
          out.push(
            `✔ ${a.component}: revision ${a.release.revision} deployed (${a.release.version}); verified: ${a.verified ?? '-'}`,
          );
        } else out.push(...failureLines(a.component, a));
      }
      if (result.failed) {
        const later = todo
          .map((p) => p.component)
          .filter((c, i, all) => i > all.indexOf(result.failed as Component));
        if (later.length > 0) out.push(`Upgrade stopped: ${later.join(', ')} not touched.`);
      }
      (json ? process.stderr : process.stdout).write(`${out.join('\n')}\n`);
      if (result.failed) throw new ExitError(1);
    });

  withEnvOptions(
    program
      .command('rollback [component] [revision]')
      .description(
        'Deploy an earlier revision (default: the previous one) as a new revision, verified like an upgrade',
      ),
  )
    .option('--dry-run', 'show what would be rolled back, change nothing')
    .option(
      '--undo',
      'Kubernetes: `kubectl rollout undo` of each workload (its previous pod template), ArgoCD auto-sync paused first',
    )
    .option(
      '--git <commit>',
      'Kubernetes: the runbook’s Git rollback — git revert <commit>, push, ArgoCD sync',
    )
    .option(
      '--emergency',
      'pause reconciliation first, show the logs, and leave it paused until `lakehouse resume`',
    )
    .addOption(outputOption(['text', 'json'], 'text'))
    .action(
      async (
        name: string | undefined,
        revision: string | undefined,
        flags: EnvFlags & {
          dryRun?: boolean;
          emergency?: boolean;
          git?: string;
          undo?: boolean;
          output: string;
        },
      ) => {
        if (flags.git !== undefined) {
          if (name !== undefined) {
            throw new UserError(
              '--git reverts a commit for every component it touched: give no component',
              `\`lakehouse rollback --git ${flags.git} --env ${flags.env}\``,
            );
          }
          const { gitRollback } = await import('./kubernetes.js');
          await gitRollback(flags, flags.git);
          return;
        }
        if (name === undefined) {
          throw new UserError(
            'rollback needs a component (or --git <commit> on Kubernetes)',
            '`lakehouse rollback trino`, `lakehouse rollback trino 3`',
          );
        }
        const c = component(name);
        if (flags.undo) {
          const { rolloutUndo } = await import('./kubernetes.js');
          await rolloutUndo(flags, c);
          return;
        }
        let rev: number | undefined;
        if (revision !== undefined) {
          rev = Number(revision);
          if (!Number.isInteger(rev) || rev < 1) {
            throw new UserError(
              `revision must be a whole number from 1, not "${revision}"`,
              `\`lakehouse history ${c}\` lists the revisions`,
            );
          }
        }
        const t = await releaseTarget(flags);
        const { target } = t;
        const { planRollback, runRollback } = await import('../ops/index.js');
        const plan = await planRollback(target, c, rev).catch(rethrow);
        const json = flags.output === 'json';
        if (!json) {
          const lines = [
            `${c}: revision ${plan.from.revision} → revision ${plan.to.revision}'s settings (as a new revision)`,
          ];
          if (plan.from.version !== plan.to.version)
            lines.push(`  version: ${plan.from.version} → ${plan.to.version}`);
          if (plan.from.replicas !== plan.to.replicas)
            lines.push(`  replicas: ${plan.from.replicas} → ${plan.to.replicas}`);
          for (const ch of plan.changes)
            lines.push(`  ${ch.key}: ${JSON.stringify(ch.from)} → ${JSON.stringify(ch.to)}`);
          process.stdout.write(`${lines.join('\n')}\n`);
        }
        if (flags.dryRun) {
          if (json) process.stdout.write(`${JSON.stringify({ plan }, null, 2)}\n`);
          else process.stdout.write('Dry run: nothing changed.\n');
          return;
        }
        const progress = createProgress(process.stderr);
        const result = await mutate(t, 'rollback', (target) =>
          runRollback(target, c, { revision: rev, emergency: flags.emergency ?? false }, progress),
        );
        if (json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        const a = result.attempt;
        const out: string[] = [];
        if (a && !a.failure) {
          out.push(
            `✔ ${c}: revision ${a.release.revision} deployed (rollback to revision ${plan.to.revision}); verified: ${a.verified ?? '-'}`,
          );
        } else if (a) out.push(...failureLines(c, a));
        if (result.logTail && !a?.failure) {
          out.push(`--- last lines of ${result.logTail.process}'s log ---`);
          out.push(result.logTail.text || '(empty)');
          out.push('---');
        }
        if (result.paused) {
          out.push(
            `⏸ ${c}: reconciliation paused — \`lakehouse resume ${c}\` when the incident is over`,
          );
        }
        (json ? process.stderr : process.stdout).write(`${out.join('\n')}\n`);
        if (a?.failure) throw new ExitError(1);
      },
    );

  withEnvOptions(
    program
      .command('resume <component>')
      .description('Resume reconciliation of a component paused by `rollback --emergency`'),
  ).action(async (name: string, flags: EnvFlags) => {
    const c = component(name);
    const t = await releaseTarget(flags);
    const { resumeComponent } = await import('../ops/index.js');
    const resumed = await mutate(t, 'resume', (target) => resumeComponent(target, c));
    process.stdout.write(
      resumed ? `✔ ${c}: reconciliation resumed\n` : `ℹ ${c} was not paused; nothing changed\n`,
    );
  });

  withEnvOptions(
    program
      .command('scale <component>')
      .description(
        'Scale Trino workers: start new ones, drain removed ones; recorded as a release (survives down/up)',
      ),
  )
    .requiredOption(
      '--workers <n>',
      `Trino workers, 0 to ${LOCAL_MAX_TRINO_WORKERS} locally (${KUBERNETES_MAX_TRINO_WORKERS} on Kubernetes)`,
      wholeNumber,
    )
    .option('--dry-run', 'show the change, change nothing')
    .addOption(outputOption(['text', 'json'], 'text'))
    .action(
      async (
        name: string,
        flags: EnvFlags & { workers: number; dryRun?: boolean; output: string },
      ) => {
        const c = component(name);
        if (c !== 'trino') {
          throw new UserError(
            `${c} does not scale on the local target`,
            'only Trino workers scale: `lakehouse scale trino --workers N`',
          );
        }
        const t = await releaseTarget(flags);
        const { checkWorkerCount, runScale } = await import('../ops/index.js');
        try {
          checkWorkerCount(flags.workers, maxWorkers(t));
        } catch (err) {
          rethrow(err);
        }
        const run = (target: ReleaseTarget) =>
          runScale(
            target,
            {
              workers: flags.workers,
              maxWorkers: maxWorkers(t),
              dryRun: flags.dryRun ?? false,
            },
            createProgress(process.stderr),
          );
        const result = flags.dryRun
          ? await run(t.target).catch(rethrow)
          : await mutate(t, 'scale', run);
        if (flags.output === 'json') {
          process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        }
        const out: string[] = [];
        if (flags.dryRun)
          out.push(`trino workers: ${result.from} → ${result.to}`, 'Dry run: nothing changed.');
        else if (!result.release)
          out.push(`ℹ trino already has ${result.to} workers; nothing changed`);
        else if (result.failure) {
          out.push(`✗ scale to ${result.to} workers failed: ${result.failure.reason}`);
          out.push(`--- last lines of ${result.failure.logTail.process}'s log ---`);
          out.push(result.failure.logTail.text || '(empty)', '---');
        } else {
          out.push(
            `✔ trino: revision ${result.release.revision} deployed: ${result.from} → ${result.to} active workers`,
          );
        }
        (flags.output === 'json' ? process.stderr : process.stdout).write(`${out.join('\n')}\n`);
        if (result.failure) throw new ExitError(1);
      },
    );
}

/** `lakehouse verify [component]`: the runbook's "Verify deployment", per component. */
export function registerVerifyCommand(program: Command): void {
  withEnvOptions(
    program
      .command('verify [component]')
      .description(
        'The runbook’s verification of each component (or one): healthy, and answering its own check; exit 1 when one fails',
      ),
  )
    .addOption(outputOption(['text', 'json'], 'text'))
    .action(async (name: string | undefined, flags: EnvFlags & { output: string }) => {
      const { target } = await releaseTarget(flags);
      const components = name ? [component(name)] : target.components();
      const results: Array<{ component: Component; ok: boolean; detail: string }> = [];
      for (const c of components) {
        const deployed = (await target.history(c)).find((r) => r.status === 'deployed');
        const spec = deployed
          ? {
              settings: deployed.settings,
              version: deployed.version,
              ...(deployed.replicas !== undefined ? { replicas: deployed.replicas } : {}),
            }
          : target.desired(c);
        const v = await target.verify(c, spec).catch((err: unknown) => ({
          ok: false,
          detail: err instanceof Error ? err.message : String(err),
        }));
        results.push({ component: c, ...v });
      }
      if (flags.output === 'json') process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
      else {
        for (const r of results) {
          process.stdout.write(`${r.ok ? '✔' : '✗'} ${r.component}: ${r.detail}\n`);
        }
      }
      if (results.some((r) => !r.ok)) throw new ExitError(1);
    });
}
