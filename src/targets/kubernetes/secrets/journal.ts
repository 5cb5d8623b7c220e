/**
 * The rotation journal as the cluster keeps it: key `rotation` of ConfigMap lakehouse-releases,
 * beside the release histories, so any operator with the kubeconfig sees a rotation that did not
 * finish. It names the machine and process that runs the rotation.
 */
import { hostname } from 'node:os';
import { z } from 'zod';
import {
  CREDENTIAL_SETS,
  isComponent,
  type Component,
  type CredentialSet,
  type ObservedRotation,
  type RotationJournal,
} from '../../../ops/index.js';

export const ROTATION_KEY = 'rotation';

const component = z.string().refine(isComponent) as unknown as z.ZodType<Component>;

const stored = z.object({
  version: z.literal(1),
  set: z.enum(CREDENTIAL_SETS as [CredentialSet, ...CredentialSet[]]),
  startedAt: z.string(),
  holders: z.array(component),
  restarted: z.array(component),
  /** The machine and process of the rotating command. */
  host: z.string(),
  pid: z.number().int().positive(),
});

export interface Runner {
  host: string;
  pid: number;
}

export const thisRunner = (): Runner => ({ host: hostname(), pid: process.pid });

export function serializeJournal(journal: RotationJournal, runner: Runner): string {
  const { set, startedAt, holders, restarted } = journal;
  return JSON.stringify({ version: 1, set, startedAt, holders, restarted, ...runner });
}

/**
 * The journal kept in the store, and whether its command still runs: known only on the machine
 * that runs it (its process is alive); from another machine it counts as running, since nothing
 * there can tell a live command from a dead one.
 */
export function parseJournal(
  text: string,
  where: string,
  alive: (runner: Runner) => boolean,
): ObservedRotation {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = stored.safeParse(json);
  if (!parsed.success) {
    throw new Error(
      `${where} is not a rotation journal: remove the key, then run \`lakehouse secrets rotate <set>\` for the set that was rotating`,
    );
  }
  const { set, startedAt, holders, restarted, host, pid } = parsed.data;
  return { set, startedAt, holders, restarted, running: alive({ host, pid }) };
}

/** Whether the runner is this machine's process that is still alive; another machine's: unknown, so yes. */
export function runnerAlive(runner: Runner, self: Runner = thisRunner()): boolean {
  if (runner.host !== self.host) return true;
  if (runner.pid === self.pid) return true;
  try {
    process.kill(runner.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
