/**
 * The local release store: `<stateDir>/releases/<component>.json` holds a component's revisions,
 * `<stateDir>/releases/paused.json` the components whose reconciliation is paused,
 * `<stateDir>/releases/rotation.json` a credential rotation while it runs. Each file is
 * written beside its target and renamed over it, so a crash leaves the old or the new one.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import {
  COMPONENTS,
  CREDENTIAL_SETS,
  effectiveValues,
  type Component,
  type CredentialSet,
  type ObservedRotation,
  type Release,
  type RotationJournal,
} from '../../../ops/index.js';
import type { LakehouseValues } from '../../../platform/config/index.js';
import { isRunning } from '../supervisor/os-process.js';

const componentSchema = z.enum(COMPONENTS as [Component, ...Component[]]);

const releaseSchema = z.object({
  component: componentSchema,
  revision: z.number().int().positive(),
  version: z.string(),
  configDigest: z.string(),
  settings: z.record(z.string(), z.unknown()),
  replicas: z.number().int().min(0).optional(),
  action: z.enum(['install', 'upgrade', 'rollback', 'scale']),
  status: z.enum(['pending', 'deployed', 'superseded', 'failed', 'rolled-back']),
  startedAt: z.string(),
  finishedAt: z.string(),
  description: z.string(),
});

const historyFileSchema = z.object({
  version: z.literal(1),
  releases: z.array(releaseSchema),
});

const pausedFileSchema = z.object({
  version: z.literal(1),
  components: z.array(componentSchema),
});

const rotationFileSchema = z.object({
  version: z.literal(1),
  set: z.enum(CREDENTIAL_SETS as [CredentialSet, ...CredentialSet[]]),
  startedAt: z.string(),
  holders: z.array(componentSchema),
  restarted: z.array(componentSchema),
  /** The rotating command's process: alive means the rotation is running, not interrupted. */
  pid: z.number().int().positive(),
});

export const releasesDir = (stateDir: string): string => join(stateDir, 'releases');
export const historyFile = (stateDir: string, component: Component): string =>
  join(releasesDir(stateDir), `${component}.json`);
const pausedFile = (stateDir: string): string => join(releasesDir(stateDir), 'paused.json');
const rotationFile = (stateDir: string): string => join(releasesDir(stateDir), 'rotation.json');

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${(err as Error).message})`);
  }
}

function writeJsonAtomic(file: string, doc: unknown): void {
  mkdirSync(join(file, '..'), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  // Settings may name a database URL with a password: owner only.
  writeFileSync(tmp, `${JSON.stringify(doc, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}

/** A component's revisions, oldest first; [] before its first install. */
export function readHistory(stateDir: string, component: Component): Release[] {
  const file = historyFile(stateDir, component);
  const json = readJson(file);
  if (json === undefined) return [];
  const parsed = historyFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data.releases as Release[];
}

export function writeHistory(
  stateDir: string,
  component: Component,
  releases: readonly Release[],
): void {
  writeJsonAtomic(historyFile(stateDir, component), { version: 1, releases });
}

export function readAllHistories(stateDir: string): Record<Component, Release[]> {
  return Object.fromEntries(COMPONENTS.map((c) => [c, readHistory(stateDir, c)])) as Record<
    Component,
    Release[]
  >;
}

/**
 * The values the platform runs with: the environment's, with each component that has a deployed
 * release replaced by that release's settings and worker count.
 */
export function deployedValues(envValues: LakehouseValues, stateDir: string): LakehouseValues {
  return effectiveValues(envValues, readAllHistories(stateDir)).values;
}

export function readPaused(stateDir: string): Component[] {
  const json = readJson(pausedFile(stateDir));
  if (json === undefined) return [];
  const parsed = pausedFileSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${pausedFile(stateDir)}: invalid`);
  return parsed.data.components;
}

export function writePaused(stateDir: string, components: readonly Component[]): void {
  const sorted = COMPONENTS.filter((c) => components.includes(c));
  writeJsonAtomic(pausedFile(stateDir), { version: 1, components: sorted });
}

/**
 * The journal of a rotation that has not ended; `running` while the command that wrote it runs
 * (otherwise it was interrupted).
 */
export function readRotation(stateDir: string): ObservedRotation | null {
  const file = rotationFile(stateDir);
  const json = readJson(file);
  if (json === undefined) return null;
  const parsed = rotationFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new Error(
      `${file} is not a rotation journal: remove it, then run \`lakehouse secrets rotate <set>\` for the set that was rotating`,
    );
  }
  const { set, startedAt, holders, restarted, pid } = parsed.data;
  return { set, startedAt, holders, restarted, running: isRunning(pid) };
}

/** Keeps the journal, owned by this process; null removes it. */
export function writeRotation(stateDir: string, journal: RotationJournal | null): void {
  if (journal === null) rmSync(rotationFile(stateDir), { force: true });
  else writeJsonAtomic(rotationFile(stateDir), { version: 1, ...journal, pid: process.pid });
}
